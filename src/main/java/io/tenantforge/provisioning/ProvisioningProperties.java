package io.tenantforge.provisioning;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The reconciler ({@code tenantforge.provisioning.*}).
 *
 * @param concurrency tenants reconciled at once by this instance
 * @param resyncInterval how often tenants whose desired state is not yet observed are
 * picked up again (ms)
 * @param maximumRedeliveries retries of a step, within one reconcile, after a transient
 * fault
 * @param redeliveryDelay first delay between those retries (ms), doubled up to
 * {@code maximumRedeliveryDelay}
 * @param maximumRedeliveryDelay cap of that delay (ms)
 * @param retryBackoff after a reconcile failed on a transient fault, the first wait
 * before the next reconcile; doubled per failure up to {@code retryBackoffCap}
 * @param retryBackoffCap cap of that wait
 * @param deadline how long a generation may stay unreconciled (PROVISIONING,
 * DEPROVISIONING) before it is FAILED
 * @param haltAfterStep test hook for crash tests: when set to a step name, the reconciler
 * stops dead after that step (logging "halted after step") so a test can SIGKILL the
 * process exactly at that boundary; never set it otherwise
 */
@ConfigurationProperties("tenantforge.provisioning")
public record ProvisioningProperties(int concurrency, long resyncInterval, int maximumRedeliveries,
		long redeliveryDelay, long maximumRedeliveryDelay, Duration retryBackoff, Duration retryBackoffCap,
		Duration deadline, String haltAfterStep) {

	public ProvisioningProperties {
		retryBackoff = retryBackoff == null ? Duration.ofSeconds(5) : retryBackoff;
		retryBackoffCap = retryBackoffCap == null ? Duration.ofMinutes(5) : retryBackoffCap;
		deadline = deadline == null ? Duration.ofMinutes(15) : deadline;
		haltAfterStep = haltAfterStep == null ? "" : haltAfterStep;
	}

	/** The wait before reconcile number {@code attempts + 1}. */
	public Duration backoff(int attempts) {
		Duration delay = retryBackoff.multipliedBy(1L << Math.min(attempts - 1, 20));
		return delay.compareTo(retryBackoffCap) > 0 ? retryBackoffCap : delay;
	}

}
