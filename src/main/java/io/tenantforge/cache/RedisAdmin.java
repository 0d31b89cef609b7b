package io.tenantforge.cache;

import java.util.List;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;

import io.tenantforge.support.CallScope;
import io.tenantforge.support.Gateway;
import io.tenantforge.support.RedisUris;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.data.redis.RedisProperties;
import org.springframework.stereotype.Component;

/**
 * The admin commands Spring Data Redis has no API for (ACL, namespace clean-up), over a
 * Lettuce connection of the control plane's own, with the same server and credentials as
 * {@code spring.data.redis.*}.
 */
@Component
public class RedisAdmin implements DisposableBean {

	private final RedisClient client;

	private volatile StatefulRedisConnection<String, String> connection;

	public RedisAdmin(RedisProperties properties) {
		this.client = RedisClient.create(RedisUris.of(properties));
	}

	/** {@code ACL SETUSER user rule…}. */
	public void setUser(String user, List<String> rules) {
		run(commands -> {
			CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8).add("SETUSER").add(user);
			rules.forEach(args::add);
			return commands.dispatch(CommandType.ACL, new StatusOutput<>(StringCodec.UTF8), args);
		});
	}

	public boolean userExists(String user) {
		return users().contains(user);
	}

	public List<String> users() {
		return run(RedisCommands::aclUsers);
	}

	/** {@code ACL LIST}: every user with its rules, one call. */
	public List<AclUser> aclList() {
		return run(commands -> commands.aclList().stream().map(AclUser::parse).toList());
	}

	public void deleteUser(String user) {
		run(commands -> commands.aclDeluser(user));
	}

	/**
	 * Removes every key matching {@code pattern} with SCAN + UNLINK (never KEYS or
	 * FLUSHDB); returns how many.
	 */
	public long unlinkMatching(String pattern) {
		long removed = 0;
		ScanCursor cursor = ScanCursor.INITIAL;
		do {
			ScanCursor from = cursor;
			KeyScanCursor<String> page = run(
					commands -> commands.scan(from, ScanArgs.Builder.matches(pattern).limit(500)));
			if (!page.getKeys().isEmpty()) {
				removed += run(commands -> commands.unlink(page.getKeys().toArray(String[]::new)));
			}
			cursor = page;
		}
		while (!cursor.isFinished());
		return removed;
	}

	/** One command: the one place that calls Redis, counted ({@link CallScope}). */
	private <T> T run(java.util.function.Function<RedisCommands<String, String>, T> command) {
		CallScope.record(Gateway.REDIS);
		try {
			return command.apply(connection().sync());
		}
		catch (RedisException e) {
			throw RedisFaults.classify(e, "Redis unreachable", "Redis refused");
		}
	}

	private StatefulRedisConnection<String, String> connection() {
		StatefulRedisConnection<String, String> current = connection;
		if (current == null || !current.isOpen()) {
			synchronized (this) {
				if (connection == null || !connection.isOpen()) {
					connection = client.connect();
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
