package io.tenantforge.intake;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.tenantforge.security.DevCredentials;
import io.tenantforge.security.RememberedChecks;
import io.tenantforge.security.SecurityProperties;

import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * The broker's user table: the control plane's own user plus the configured ones, each
 * with its role and a password hash. A configured plain password stops the start-up, as
 * for the API's users. In the dev profile, with no users configured, one user per role is
 * generated into {@code var/broker/<user>.password} (mode 0600; only the path is
 * printed).
 */
@Component
class BrokerUsers {

	private final PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();

	private final Map<String, Entry> users = new LinkedHashMap<>();

	private final RememberedChecks<Optional<Entry>> checks = new RememberedChecks<>(Duration.ofMinutes(1),
			Clock.systemUTC());

	private final String controlPlaneUser;

	private final String controlPlanePassword;

	public BrokerUsers(BrokerProperties properties, SecurityProperties security, Environment environment) {
		Path dir = security.generatedDir().resolve("broker");
		this.controlPlaneUser = properties.controlPlaneUser();
		this.controlPlanePassword = DevCredentials.resolve(properties.controlPlanePassword(),
				"the control plane's broker password", "TENANTFORGE_BROKER_PASSWORD",
				dir.resolve(controlPlaneUser + ".password"), environment, () -> DevCredentials.randomToken(18));
		users.put(controlPlaneUser,
				new Entry(controlPlaneUser, BrokerRole.CONTROL_PLANE, encoder.encode(controlPlanePassword), 0, 0));
		for (BrokerProperties.User user : properties.users()) {
			if (user.passwordHash() == null || !user.passwordHash().startsWith("{")) {
				throw new IllegalStateException("broker user " + user.name()
						+ ": give password-hash as an encoded hash such as {bcrypt}$2a$10$..., never a plain password");
			}
			if (users.containsKey(user.name())) {
				throw new IllegalStateException("broker user " + user.name() + " is configured twice");
			}
			users.put(user.name(), new Entry(user.name(), BrokerRole.of(user.role()), user.passwordHash(),
					user.orderBurst(), user.ordersPerMinute()));
		}
		if (properties.users().isEmpty() && environment.acceptsProfiles(Profiles.of("dev"))) {
			generate(dir, environment, "orders", BrokerRole.PRODUCER);
			generate(dir, environment, "operator", BrokerRole.OPERATOR);
			generate(dir, environment, "broker-admin", BrokerRole.ADMIN);
		}
	}

	private void generate(Path dir, Environment environment, String name, BrokerRole role) {
		String password = DevCredentials.resolve(null, "the broker password of " + name, "tenantforge.broker.users",
				dir.resolve(name + ".password"), environment, () -> DevCredentials.randomToken(18));
		users.put(name, new Entry(name, role, encoder.encode(password), 0, 0));
	}

	public String controlPlaneUser() {
		return controlPlaneUser;
	}

	public String controlPlanePassword() {
		return controlPlanePassword;
	}

	/** The user, when the password matches its hash. */
	Optional<Entry> authenticate(String name, String password) {
		if (name == null || password == null) {
			return Optional.empty();
		}
		Entry entry = users.get(name);
		if (entry == null) {
			return Optional.empty();
		}
		// the broker checks the login on every consumer a client opens: the control
		// plane's own transacted queue consumer opens one per receive
		return checks.check(name, password,
				() -> encoder.matches(password, entry.passwordHash()) ? Optional.of(entry) : Optional.empty(),
				Optional::isPresent);
	}

	/**
	 * The user's entry; a user unknown here (an external broker's) gets the global order
	 * budget.
	 */
	Entry entry(String name) {
		return users.getOrDefault(name, new Entry(name, BrokerRole.PRODUCER, "", 0, 0));
	}

	/**
	 * @param orderBurst order allowance at once, @param ordersPerMinute its refill (0:
	 * the global ones)
	 */
	record Entry(String name, BrokerRole role, String passwordHash, int orderBurst, int ordersPerMinute) {
	}

}
