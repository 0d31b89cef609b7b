package io.tenantforge.cache;

import java.util.ArrayList;
import java.util.List;

import io.tenantforge.security.TenantSecrets;
import io.tenantforge.support.RetryableException;
import io.tenantforge.support.Sha256;
import io.tenantforge.support.StepFailedException;
import io.tenantforge.tenant.ResourceKind;
import io.tenantforge.tenant.ResourceLedger;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantNames;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * The cache step: a Redis ACL user restricted to {@code tenant:<slug>:*} keys and
 * channels, with no dangerous, admin or scripting commands, and a metadata key in the
 * namespace. Also disables (suspend) and removes (deprovision) them. A same-named ACL
 * user that the ownership record does not give this tenant is never touched.
 */
@Component
public class TenantCacheProvisioner {

	/**
	 * Commands a tenant may not run although their categories are allowed: they see or
	 * change the keyspace.
	 */
	static final List<String> DENIED_COMMANDS = List.of("-select", "-swapdb", "-move", "-scan", "-keys", "-randomkey",
			"-flushdb", "-flushall", "-config", "-acl", "-script", "-eval", "-evalsha", "-function", "-fcall",
			"-monitor", "-debug", "-object");

	/**
	 * The throw-away user {@link #snapshot()} sets to learn how this Redis prints the
	 * command rules.
	 */
	static final String REFERENCE_USER = "tenantforge-acl-reference";

	private final StringRedisTemplate redis;

	private final RedisAdmin admin;

	private final ResourceLedger ledger;

	private final TenantSecrets secrets;

	public TenantCacheProvisioner(StringRedisTemplate redis, RedisAdmin admin, ResourceLedger ledger,
			TenantSecrets secrets) {
		this.redis = redis;
		this.admin = admin;
		this.ledger = ledger;
		this.secrets = secrets;
	}

	/**
	 * The ACL user and the namespace's metadata key, in one call (credential rotation).
	 * The reconciler's cache step does the two apart: the user here
	 * ({@link #ensureUser}), the key through the {@code provisioning-cache} route's
	 * {@code spring-redis:} endpoint.
	 */
	public void ensure(Tenant tenant) {
		ensureUser(tenant);
		try {
			redis.opsForValue().set(metadataKey(tenant), metadataValue(tenant));
		}
		catch (DataAccessException e) {
			throw RedisFaults.classify(e, "Redis unreachable for " + tenant.id(),
					"Redis metadata of " + tenant.id() + " failed");
		}
	}

	/** The namespace's metadata key: what the tenant is, for whoever reads the keys. */
	public static String metadataKey(Tenant tenant) {
		return tenant.names().redisNamespace() + "meta";
	}

	public static String metadataValue(Tenant tenant) {
		return "{\"tenant\":\"" + tenant.id() + "\",\"tier\":\"" + tenant.tier() + "\",\"managedBy\":\"tenantforge\"}";
	}

	/**
	 * The tenant's ACL user ({@code ACL SETUSER}, which no Camel component sends), if the
	 * ownership record gives it to the tenant or it does not exist yet.
	 */
	public void ensureUser(Tenant tenant) {
		TenantNames names = tenant.names();
		String user = names.redisUser();
		boolean recorded = ledger.owner(ResourceKind.REDIS_USER, user).isPresent();
		if (!recorded && admin.userExists(user)) {
			throw new StepFailedException("Redis user " + user + " exists and is not managed by tenantforge for "
					+ tenant.id() + ": left untouched");
		}
		if (!ledger.claim(tenant.id(), ResourceKind.REDIS_USER, user)) {
			throw new StepFailedException("Redis user " + user + " belongs to another tenant's record");
		}
		String password = secrets.getOrCreate(tenant.id(), TenantSecrets.REDIS_PASSWORD);
		admin.setUser(user, aclRules(names, password));
	}

	/** Suspend: the user can no longer log in; its rules and keys stay. */
	public void disable(Tenant tenant) {
		String user = tenant.names().redisUser();
		if (ledger.owns(tenant.id(), ResourceKind.REDIS_USER, user) && admin.userExists(user)) {
			admin.setUser(user, List.of("off"));
		}
	}

	/**
	 * Deprovision: the user and every key of the namespace, if the ownership record gives
	 * them to the tenant.
	 */
	public void remove(Tenant tenant) {
		TenantNames names = tenant.names();
		String user = names.redisUser();
		if (!ledger.owns(tenant.id(), ResourceKind.REDIS_USER, user)) {
			return;
		}
		admin.deleteUser(user);
		admin.unlinkMatching(names.redisPattern());
		if (admin.userExists(user)) {
			throw new RetryableException("Redis user " + user + " still exists after ACL DELUSER");
		}
		ledger.release(tenant.id(), ResourceKind.REDIS_USER, user);
	}

	/**
	 * {@code ACL SETUSER} rules: starts from {@code reset}, the password only as its
	 * SHA-256 hash.
	 */
	static List<String> aclRules(TenantNames names, String password) {
		List<String> rules = new ArrayList<>(List.of("reset", "on", "#" + sha256Hex(password),
				"~" + names.redisPattern(), "&" + names.redisPattern()));
		rules.addAll(commandRules());
		return rules;
	}

	/** The command rules every tenant user gets. */
	static List<String> commandRules() {
		List<String> rules = new ArrayList<>(List.of("+@all", "-@dangerous", "-@admin", "-@scripting"));
		rules.addAll(DENIED_COMMANDS);
		return rules;
	}

	/**
	 * Every ACL user, and the command rules of a tenant user as this Redis prints them
	 * (it rewrites and shortens rules, differently across versions), learned from a
	 * throw-away user that is off and has no password: three calls, whatever the size of
	 * the fleet.
	 */
	public AclSnapshot snapshot() {
		List<String> rules = new ArrayList<>(List.of("reset", "off"));
		rules.addAll(commandRules());
		admin.setUser(REFERENCE_USER, rules);
		try {
			List<AclUser> users = admin.aclList();
			String commands = users.stream()
				.filter(u -> u.name().equals(REFERENCE_USER))
				.findFirst()
				.map(AclUser::commands)
				.orElseThrow(() -> new RetryableException("Redis lost ACL user " + REFERENCE_USER + " meanwhile"));
			return new AclSnapshot(users.stream().filter(u -> !u.name().equals(REFERENCE_USER)).toList(), commands);
		}
		finally {
			admin.deleteUser(REFERENCE_USER);
		}
	}

	/**
	 * How the tenant's ACL user differs from what the cache step sets; empty when it does
	 * not.
	 */
	public static List<String> drift(AclUser user, TenantNames names, String password, String expectedCommands) {
		List<String> drift = new ArrayList<>();
		if (!user.on()) {
			drift.add("user is off");
		}
		if (user.nopass()) {
			drift.add("user takes any password (nopass)");
		}
		if (password != null && !user.passwordHashes().equals(List.of(sha256Hex(password)))) {
			drift.add("password differs from the tenant's secret");
		}
		if (!user.keyPatterns().equals(List.of("~" + names.redisPattern()))) {
			drift.add("key patterns " + user.keyPatterns() + " instead of ~" + names.redisPattern());
		}
		if (!user.channelPatterns().equals(List.of("&" + names.redisPattern()))) {
			drift.add("channel patterns " + user.channelPatterns() + " instead of &" + names.redisPattern());
		}
		if (!user.commands().equals(expectedCommands)) {
			drift.add("command rules '" + user.commands() + "' instead of '" + expectedCommands + "'");
		}
		if (user.selectors()) {
			drift.add("has selectors");
		}
		return drift;
	}

	/** What one look at Redis's ACLs showed. */
	public record AclSnapshot(List<AclUser> users, String tenantCommands) {
	}

	/**
	 * The form Redis keeps an ACL password in (what {@code ACL SETUSER … #<hash>} takes).
	 */
	static String sha256Hex(String value) {
		return Sha256.hex(value);
	}

}
