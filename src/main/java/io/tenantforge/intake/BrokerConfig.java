package io.tenantforge.intake;

import java.util.Set;

import javax.sql.DataSource;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * The embedded Artemis broker as other programs see it, and the cluster-safe memory of
 * which order files were taken.
 * <p>
 * Security is always on, on every protocol: each connection logs in
 * ({@link BrokerSecurityManager}) and each role may do only what the settings below give
 * it on an address; the catch-all {@code #} (every other address, the broker's management
 * address included) is the admin's alone. The broker stamps each message with the user
 * who sent it ({@code populate-validated-user}), which the queue channel charges to that
 * user's order budget.
 * <p>
 * Redelivery of a queued order is owned by Camel (route configuration
 * {@code intake-retry}, with backoff, then the dead-letter queue with the reason). The
 * broker's own max-delivery-attempts only guards against a message whose processing kills
 * the control plane again and again.
 */
@Configuration
class BrokerConfig {

	@Bean
	ArtemisConfigurationCustomizer tenantforgeBroker(IntakeProperties intake) {
		return configuration -> {
			try {
				configuration.addAcceptorConfiguration("tenantforge-external", intake.brokerAcceptor());
			}
			catch (Exception e) {
				throw new IllegalStateException("bad broker acceptor " + intake.brokerAcceptor(), e);
			}
			configuration.addAddressSetting(intake.queue(),
					new AddressSettings().setMaxDeliveryAttempts(intake.brokerMaxDeliveryAttempts())
						.setDeadLetterAddress(SimpleString.of(intake.deadLetterQueue()))
						.setRedeliveryDelay(1000)
						.setRedeliveryMultiplier(2)
						.setMaxRedeliveryDelay(30_000));
			configuration.setSecurityEnabled(true);
			configuration.setPopulateValidatedUser(true);
			// exact-match addresses: tenant.orders does not match tenant.orders.DLQ
			configuration.putSecurityRoles(intake.queue(),
					Set.of(role(BrokerRole.PRODUCER, Permission.SEND),
							role(BrokerRole.CONTROL_PLANE, Permission.CONSUME, Permission.CREATE),
							role(BrokerRole.OPERATOR, Permission.SEND), admin()));
			configuration.putSecurityRoles(intake.deadLetterQueue(),
					Set.of(role(BrokerRole.CONTROL_PLANE, Permission.SEND, Permission.CREATE),
							role(BrokerRole.OPERATOR, Permission.BROWSE, Permission.CONSUME), admin()));
			configuration.putSecurityRoles("#", Set.of(admin()));
		};
	}

	/**
	 * Hands the embedded broker its security manager and the control plane's in-VM
	 * connection its login.
	 */
	@Bean
	static BeanPostProcessor brokerLogin(ObjectProvider<BrokerUsers> users) {
		return new BeanPostProcessor() {
			@Override
			public Object postProcessBeforeInitialization(Object bean, String beanName) {
				if (bean instanceof EmbeddedActiveMQ broker) {
					broker.setSecurityManager(new BrokerSecurityManager(users.getObject()));
				}
				ActiveMQConnectionFactory factory = bean instanceof ActiveMQConnectionFactory direct ? direct
						: bean instanceof CachingConnectionFactory caching
								&& caching.getTargetConnectionFactory() instanceof ActiveMQConnectionFactory target
										? target : null;
				if (factory != null && factory.getUser() == null) {
					factory.setUser(users.getObject().controlPlaneUser());
					factory.setPassword(users.getObject().controlPlanePassword());
				}
				return bean;
			}
		};
	}

	private enum Permission {

		SEND, CONSUME, BROWSE,
		/**
		 * create the address and its durable queue (an external broker without them
		 * configured)
		 */
		CREATE

	}

	private static Role role(BrokerRole role, Permission... granted) {
		Set<Permission> p = Set.of(granted);
		boolean create = p.contains(Permission.CREATE);
		return new Role(role.roleName(), p.contains(Permission.SEND), p.contains(Permission.CONSUME), create, false,
				false, false, false, p.contains(Permission.BROWSE), create, false, false, false);
	}

	private static Role admin() {
		return new Role(BrokerRole.ADMIN.roleName(), true, true, true, true, true, true, true, true, true, true, true,
				true);
	}

	/**
	 * Which order files a control plane took, shared by every instance through the
	 * control-plane database.
	 */
	@Bean
	JdbcMessageIdRepository fileIdempotentRepository(DataSource dataSource) {
		JdbcMessageIdRepository repository = new JdbcMessageIdRepository(dataSource, "intake-file-order");
		repository.setCreateTableIfNotExists(false);
		return repository;
	}

}
