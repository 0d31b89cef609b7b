package io.tenantforge.backup;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RestoreArgs;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;

import io.tenantforge.support.RetryableException;
import io.tenantforge.support.StepFailedException;
import io.tenantforge.tenant.TenantNames;

import io.tenantforge.support.RedisUris;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.data.redis.RedisProperties;
import org.springframework.stereotype.Component;

/**
 * The Redis gateway of backups, the only code of the feature that talks to Redis, over a
 * binary-safe Lettuce connection of its own: reads a namespace (SCAN + DUMP + PTTL),
 * stages a snapshot under a restore's own prefix (RESTORE with the TTL), swaps it in and
 * clears what a restore staged; adds and removes an ACL user's passwords for a credential
 * rotation. camel-spring-redis has no SCAN, DUMP, RESTORE or EVAL, hence a bean. Faults
 * are classified here (unreachable: retry; refused: failed for good).
 * <p>
 * The swap is one Lua script, which Redis runs atomically: the live keys go, every staged
 * key is renamed to its live name (keeping its TTL), the staging marker goes. A control
 * plane that dies before the script ran left the live keys as they were; one that dies
 * after has swapped them all. The marker tells which.
 */
@Component
public class NamespaceBackups implements DisposableBean {

	private static final String SWAP = """
			local live = tonumber(ARGV[1])
			for i = 2, live + 1 do redis.call('UNLINK', ARGV[i]) end
			local moved = 0
			for i = live + 2, #ARGV - 1, 2 do
			  if redis.call('EXISTS', ARGV[i]) == 1 then redis.call('RENAME', ARGV[i], ARGV[i + 1]); moved = moved + 1 end
			end
			redis.call('DEL', KEYS[1])
			return moved
			""";

	private final RedisClient client;

	private volatile StatefulRedisConnection<byte[], byte[]> connection;

	public NamespaceBackups(RedisProperties properties) {
		this.client = RedisClient.create(RedisUris.of(properties));
	}

	/** The prefix a restore stages its keys under: outside every tenant's namespace. */
	static String stagingPrefix(long restoreId) {
		return "tfrestore:" + restoreId + ":k:";
	}

	/** Present while a restore's keys are staged and not yet swapped in. */
	static String stagingMarker(long restoreId) {
		return "tfrestore:" + restoreId + ":staged";
	}

	/**
	 * Every key of the namespace with its TTL and DUMP payload. A key that expires while
	 * it is read is left out.
	 */
	public NamespaceSnapshot capture(TenantNames names) {
		byte[] prefix = bytes(names.redisNamespace());
		return run("reading the namespace of " + names, redis -> {
			List<NamespaceSnapshot.Entry> entries = new ArrayList<>();
			for (byte[] key : scan(redis, names.redisPattern())) {
				byte[] payload = redis.dump(key);
				Long ttl = redis.pttl(key);
				if (payload == null || ttl == null || ttl == -2) {
					continue; // expired meanwhile
				}
				entries
					.add(new NamespaceSnapshot.Entry(Arrays.copyOfRange(key, prefix.length, key.length), ttl, payload));
			}
			return new NamespaceSnapshot(entries);
		});
	}

	/**
	 * Writes the snapshot under the restore's staging prefix, each key with its TTL, then
	 * the marker.
	 */
	public void stage(NamespaceSnapshot snapshot, long restoreId) {
		run("staging restore " + restoreId, redis -> {
			for (NamespaceSnapshot.Entry entry : snapshot.entries()) {
				RestoreArgs args = RestoreArgs.Builder.ttl(Math.max(entry.ttlMillis(), 0)).replace();
				redis.restore(concat(bytes(stagingPrefix(restoreId)), entry.suffix()), entry.payload(), args);
			}
			redis.set(bytes(stagingMarker(restoreId)), bytes(Integer.toString(snapshot.entries().size())));
			return null;
		});
	}

	public boolean staged(long restoreId) {
		return run("looking for restore " + restoreId, redis -> redis.exists(bytes(stagingMarker(restoreId))) == 1);
	}

	/**
	 * Replaces the tenant's namespace by the staged keys, atomically (one script);
	 * returns how many keys were moved. Nothing happens when the marker is gone (swapped
	 * already).
	 */
	public long swap(TenantNames names, long restoreId) {
		return run("swapping in restore " + restoreId + " for " + names, redis -> {
			if (redis.exists(bytes(stagingMarker(restoreId))) == 0) {
				return 0L;
			}
			List<byte[]> live = scan(redis, names.redisPattern());
			List<byte[]> staged = scan(redis, stagingPrefix(restoreId) + "*");
			List<byte[]> args = new ArrayList<>();
			args.add(bytes(Integer.toString(live.size())));
			args.addAll(live);
			byte[] prefix = bytes(stagingPrefix(restoreId));
			for (byte[] key : staged) {
				args.add(key);
				args.add(concat(bytes(names.redisNamespace()), Arrays.copyOfRange(key, prefix.length, key.length)));
			}
			Long moved = redis.eval(SWAP, ScriptOutputType.INTEGER, new byte[][] { bytes(stagingMarker(restoreId)) },
					args.toArray(byte[][]::new));
			return moved == null ? 0L : moved;
		});
	}

	/** Removes whatever a restore staged (the undo of {@link #stage}). */
	public void clearStaged(long restoreId) {
		run("clearing restore " + restoreId, redis -> {
			List<byte[]> keys = scan(redis, "tfrestore:" + restoreId + ":*");
			if (!keys.isEmpty()) {
				redis.unlink(keys.toArray(byte[][]::new));
			}
			return null;
		});
	}

	/**
	 * Adds a password (as its SHA-256) to the ACL user; the ones it has stay valid
	 * (credential rotation).
	 */
	public void addPassword(String user, String sha256) {
		run("adding a password to " + user,
				redis -> redis.aclSetuser(user, io.lettuce.core.AclSetuserArgs.Builder.addHashedPassword(sha256)));
	}

	/**
	 * Removes one password (by its SHA-256) from the ACL user; connections already
	 * authenticated stay.
	 */
	public void removePassword(String user, String sha256) {
		run("removing a password of " + user,
				redis -> redis.aclSetuser(user, io.lettuce.core.AclSetuserArgs.Builder.removeHashedPassword(sha256)));
	}

	private static List<byte[]> scan(RedisCommands<byte[], byte[]> redis, String pattern) {
		List<byte[]> keys = new ArrayList<>();
		ScanCursor cursor = ScanCursor.INITIAL;
		do {
			KeyScanCursor<byte[]> page = redis.scan(cursor, ScanArgs.Builder.matches(pattern).limit(500));
			keys.addAll(page.getKeys());
			cursor = page;
		}
		while (!cursor.isFinished());
		return keys;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] concat(byte[] a, byte[] b) {
		byte[] joined = Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, joined, a.length, b.length);
		return joined;
	}

	private <T> T run(String what, Function<RedisCommands<byte[], byte[]>, T> command) {
		try {
			return command.apply(connection().sync());
		}
		catch (RedisConnectionException | RedisCommandTimeoutException e) {
			throw new RetryableException(what + ": Redis unreachable: " + e.getMessage(), e);
		}
		catch (RedisException e) {
			if (e.getCause() instanceof java.io.IOException) {
				throw new RetryableException(what + ": Redis unreachable: " + e.getMessage(), e);
			}
			throw new StepFailedException(what + ": Redis refused: " + e.getMessage(), e);
		}
	}

	private StatefulRedisConnection<byte[], byte[]> connection() {
		StatefulRedisConnection<byte[], byte[]> current = connection;
		if (current == null || !current.isOpen()) {
			synchronized (this) {
				if (connection == null || !connection.isOpen()) {
					connection = client.connect(ByteArrayCodec.INSTANCE);
				}
				current = connection;
			}
		}
		return current;
	}

	@Override
	public void destroy() {
		if (connection != null) {
			connection.close();
		}
		client.shutdown();
	}

}
