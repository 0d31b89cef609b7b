package io.tenantforge.cache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import io.tenantforge.security.TenantSecrets;
import io.tenantforge.support.RetryableException;
import io.tenantforge.support.StepFailedException;
import io.tenantforge.tenant.ResourceLedger;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantNames;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * The cache step: a Redis ACL user restricted to {@code tenant:<slug>:*} keys and channels, with no dangerous,
 * admin or scripting commands, and a metadata key in the namespace.
 */
@Component
public class TenantCacheProvisioner {

	/** Commands a tenant may not run although their categories are allowed: they see or change the keyspace. */
	static final List<String> DENIED_COMMANDS = List.of("-select", "-swapdb", "-move", "-scan", "-keys",
			"-randomkey", "-flushdb", "-flushall", "-config", "-acl", "-script", "-eval", "-evalsha", "-function",
			"-fcall", "-monitor", "-debug", "-object");

	private final StringRedisTemplate redis;

	private final ResourceLedger ledger;

	private final TenantSecrets secrets;

	public TenantCacheProvisioner(StringRedisTemplate redis, ResourceLedger ledger, TenantSecrets secrets) {
		this.redis = redis;
		this.ledger = ledger;
		this.secrets = secrets;
	}

	public void ensure(Tenant tenant) {
		TenantNames names = tenant.names();
		if (!ledger.claim(tenant.id(), ResourceLedger.REDIS_USER, names.redisUser())) {
			throw new StepFailedException("Redis user " + names.redisUser() + " belongs to another tenant's record");
		}
		String password = secrets.getOrCreate(tenant.id(), TenantSecrets.REDIS_PASSWORD);
		List<String> rules = aclRules(names, password);
		try {
			redis.execute((RedisCallback<Object>) connection -> connection.execute("ACL",
					rules.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new)));
			redis.opsForValue()
				.set(names.redisNamespace() + "meta", "{\"tenant\":\"" + tenant.id() + "\",\"tier\":\"" + tenant.tier()
						+ "\",\"managedBy\":\"tenantforge\"}");
		}
		catch (RedisConnectionFailureException | org.springframework.dao.QueryTimeoutException e) {
			throw new RetryableException("Redis unreachable for " + tenant.id() + ": " + e.getMessage(), e);
		}
		catch (DataAccessException e) {
			throw new StepFailedException("Redis ACL for " + tenant.id() + " failed: " + e.getMessage(), e);
		}
	}

	/** {@code ACL SETUSER} arguments: starts from {@code reset}, the password only as its SHA-256 hash. */
	static List<String> aclRules(TenantNames names, String password) {
		List<String> rules = new ArrayList<>(List.of("SETUSER", names.redisUser(), "reset", "on",
				"#" + sha256Hex(password), "~" + names.redisPattern(), "&" + names.redisPattern(), "+@all",
				"-@dangerous", "-@admin", "-@scripting"));
		rules.addAll(DENIED_COMMANDS);
		return rules;
	}

	static String sha256Hex(String value) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

}
