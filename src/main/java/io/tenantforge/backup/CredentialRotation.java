package io.tenantforge.backup;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.tenantforge.cache.TenantCacheProvisioner;
import io.tenantforge.tenant.TenantLocks;
import io.tenantforge.tenant.TenantLocks.TenantLock;
import io.tenantforge.runtime.RuntimeProperties;
import io.tenantforge.runtime.RuntimeUser;
import io.tenantforge.runtime.SecretFiles;
import io.tenantforge.security.TenantSecrets;
import io.tenantforge.support.ConflictException;
import io.tenantforge.support.NotFoundException;
import io.tenantforge.support.Sha256;
import io.tenantforge.tenant.DesiredState;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TierCatalog;

import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;

/**
 * The steps of a credential rotation, called in order by the {@code credentials-rotate}
 * route, under the tenant's reconcile lock. Redis first gets the new password beside the
 * old one (an ACL user holds several); then the new secrets are stored, the database
 * role's password changed (open sessions stay: PostgreSQL authenticates only at connect)
 * and the secret files rewritten in place atomically (temporary file and rename in the
 * same folder), so a product that reads its files on each new connection uses the new
 * ones from then on; after a grace period the old Redis password is removed. Afterwards
 * PostgreSQL and Redis refuse the old passwords.
 * <p>
 * A crash part-way leaves the stored secrets as the truth: the next reconcile of the
 * tenant sets the role's password, the ACL user (with only the stored password) and the
 * files from them.
 */
@Component
public class CredentialRotation {

	static final String LOCK = "TenantforgeRotationLock";

	private static final Logger log = LoggerFactory.getLogger(CredentialRotation.class);

	private final io.tenantforge.tenant.TenantStore tenants;

	private final TierCatalog tiers;

	private final TenantLocks locks;

	private final TenantSecrets secrets;

	private final SchemaBackups database;

	private final NamespaceBackups redis;

	private final SecretFiles files;

	private final RuntimeProperties runtime;

	private final TenantCacheProvisioner cache;

	private final BackupProperties properties;

	private final Clock clock = Clock.systemUTC();

	public CredentialRotation(io.tenantforge.tenant.TenantStore tenants, TierCatalog tiers, TenantLocks locks,
			TenantSecrets secrets, SchemaBackups database, NamespaceBackups redis, SecretFiles files,
			RuntimeProperties runtime, TenantCacheProvisioner cache, BackupProperties properties) {
		this.properties = properties;
		this.tenants = tenants;
		this.tiers = tiers;
		this.locks = locks;
		this.secrets = secrets;
		this.database = database;
		this.redis = redis;
		this.files = files;
		this.runtime = runtime;
		this.cache = cache;
	}

	/**
	 * A rotation under way: the tenant, and the hash of the Redis password it replaces
	 * (never a password itself).
	 */
	public record RotationJob(Tenant tenant, String oldRedisHash, Instant startedAt, long graceMillis) {

		@Override
		public String toString() {
			return "RotationJob[" + tenant.id() + "]";
		}

	}

	/** What the API answers: which secrets were replaced, never their values. */
	public record RotationView(String tenant, List<String> rotated, Instant rotatedAt) {
	}

	/**
	 * The tenant must be ACTIVE and settled (409 otherwise, and while a reconcile or
	 * restore holds its lock).
	 */
	public RotationJob begin(@Header("id") String id, Exchange exchange) {
		Tenant tenant = tenants.find(id).orElseThrow(() -> new NotFoundException("no tenant '" + id + "'"));
		if (tenant.desiredState() != DesiredState.ACTIVE || tenant.observedGeneration() != tenant.generation()) {
			throw new ConflictException("tenant '" + id + "' is " + tenant.status() + ": credentials are rotated on "
					+ "an ACTIVE tenant whose reconcile is done");
		}
		TenantLock lock = locks.tryLock(id)
			.orElseThrow(() -> new ConflictException(
					"tenant '" + id + "' is being reconciled or restored right now; try again in a moment"));
		exchange.setProperty(LOCK, lock);
		String oldRedis = secrets.getOrCreate(id, TenantSecrets.REDIS_PASSWORD);
		log.info("Rotating the credentials of tenant {}", id);
		return new RotationJob(tenant, Sha256.hex(oldRedis), clock.instant(), properties.rotationGrace().toMillis());
	}

	/** The new Redis password, stored, then added to the ACL user beside the old one. */
	public RotationJob addRedisPassword(RotationJob job) {
		String fresh = secrets.replace(job.tenant().id(), TenantSecrets.REDIS_PASSWORD);
		redis.addPassword(job.tenant().names().redisUser(), Sha256.hex(fresh));
		return job;
	}

	/**
	 * The new database password, stored, set on the role, then both secret files
	 * rewritten (the role first: the window in which a new connection with the old file
	 * is refused is the time to rename two files).
	 */
	public RotationJob changeDatabasePassword(RotationJob job) {
		String id = job.tenant().id();
		String fresh = secrets.replace(id, TenantSecrets.DATABASE_PASSWORD);
		database.changePassword(job.tenant().names(), fresh);
		RuntimeUser owner = RuntimeUser.parse(tiers.get(job.tenant().tier()).runtimeUserOr(runtime.getUser()));
		files.write(job.tenant().names(), Map.of("database_password", fresh, "redis_password",
				secrets.getOrCreate(id, TenantSecrets.REDIS_PASSWORD)), owner);
		return job;
	}

	/**
	 * After the grace period: the ACL user keeps only the new password (the cache step's
	 * own rules).
	 */
	public RotationView removeOldRedisPassword(RotationJob job) {
		redis.removePassword(job.tenant().names().redisUser(), job.oldRedisHash());
		cache.ensure(job.tenant());
		log.info("Rotated the credentials of tenant {} in {} ms", job.tenant().id(),
				java.time.Duration.between(job.startedAt(), clock.instant()).toMillis());
		return new RotationView(job.tenant().id(),
				List.of(TenantSecrets.DATABASE_PASSWORD, TenantSecrets.REDIS_PASSWORD), clock.instant());
	}

	public void release(Exchange exchange) {
		TenantLock lock = exchange.getProperty(LOCK, TenantLock.class);
		if (lock != null) {
			exchange.removeProperty(LOCK);
			lock.close();
		}
	}

}
