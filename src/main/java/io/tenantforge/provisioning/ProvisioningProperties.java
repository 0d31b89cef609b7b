package io.tenantforge.provisioning;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The reconciler ({@code tenantforge.provisioning.*}).
 *
 * @param concurrency tenants reconciled at once by this instance
 * @param lease how long a reconciler holds a tenant before another instance may take it over (after a crash)
 * @param resyncInterval how often tenants whose desired state is not yet observed are picked up again
 * @param maximumRedeliveries retries of a step after a transient fault
 * @param redeliveryDelay first delay between retries, doubled each time up to {@code maximumRedeliveryDelay}
 * @param maximumRedeliveryDelay cap of that delay
 */
@ConfigurationProperties("tenantforge.provisioning")
public record ProvisioningProperties(int concurrency, Duration lease, Duration resyncInterval, int maximumRedeliveries,
		Duration redeliveryDelay, Duration maximumRedeliveryDelay) {

}
