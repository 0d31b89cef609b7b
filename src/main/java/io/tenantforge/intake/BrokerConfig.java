package io.tenantforge.intake;

import javax.sql.DataSource;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The embedded Artemis broker as other programs see it, and the cluster-safe memory of which order files were
 * taken.
 * <p>
 * Redelivery of a queued order is owned by Camel (route configuration {@code intake-retry}, with backoff, then the
 * dead-letter queue with the reason). The broker's own max-delivery-attempts only guards against a message whose
 * processing kills the control plane again and again.
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
		};
	}

	/** Which order files a control plane took, shared by every instance through the control-plane database. */
	@Bean
	JdbcMessageIdRepository fileIdempotentRepository(DataSource dataSource) {
		JdbcMessageIdRepository repository = new JdbcMessageIdRepository(dataSource, "intake-file-order");
		repository.setCreateTableIfNotExists(false);
		return repository;
	}

}
