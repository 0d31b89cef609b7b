package io.tenantforge.health;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The fleet health sweep ({@code tenantforge.sweep.*}). Read at every sweep, so a changed
 * setting (for instance {@code remove-orphans}) takes effect at the next one.
 */
@ConfigurationProperties("tenantforge.sweep")
public class SweepProperties {

	/**
	 * When the sweep runs (Quartz cron, seconds first); one node of a cluster runs each
	 * firing.
	 */
	private String cron = "0/30 * * * * ?";

	/** Tenants' {@code /health} endpoints probed at once. */
	private int probeConcurrency = 64;

	/** How long one probe may take before it counts as failing. */
	private Duration probeTimeout = Duration.ofSeconds(1);

	/**
	 * How long a container's health must keep failing before the sweep restarts it: a
	 * tenant that is slow or briefly starved of CPU is watched, not restarted.
	 */
	private Duration restartAfter = Duration.ofSeconds(60);

	/**
	 * Restarts of one tenant's unhealthy container within {@code restartWindow}; once
	 * spent, the sweep only reports the tenant until the window has moved on.
	 */
	private int restartBudget = 3;

	private Duration restartWindow = Duration.ofMinutes(30);

	/**
	 * Least time between two restarts of the same container, so a slow start is not cut
	 * short.
	 */
	private Duration restartCooldown = Duration.ofMinutes(2);

	/**
	 * Containers whose CPU and memory limits one sweep inspects, in turn round the fleet:
	 * the container list shows no limits, and an inspect per tenant per sweep would make
	 * the sweep's cost grow with the fleet.
	 */
	private int limitsAuditPerSweep = 10;

	/**
	 * Whether orphans are removed, and then only those the ownership record gives to a
	 * tenant that is gone; off, they are only reported.
	 */
	private boolean removeOrphans;

	/** How long sweep reports are kept. */
	private Duration keepReports = Duration.ofDays(1);

	public String getCron() {
		return cron;
	}

	public void setCron(String cron) {
		this.cron = cron;
	}

	public int getProbeConcurrency() {
		return probeConcurrency;
	}

	public void setProbeConcurrency(int probeConcurrency) {
		this.probeConcurrency = probeConcurrency;
	}

	public Duration getProbeTimeout() {
		return probeTimeout;
	}

	public void setProbeTimeout(Duration probeTimeout) {
		this.probeTimeout = probeTimeout;
	}

	public Duration getRestartAfter() {
		return restartAfter;
	}

	public void setRestartAfter(Duration restartAfter) {
		this.restartAfter = restartAfter;
	}

	public int getRestartBudget() {
		return restartBudget;
	}

	public void setRestartBudget(int restartBudget) {
		this.restartBudget = restartBudget;
	}

	public Duration getRestartWindow() {
		return restartWindow;
	}

	public void setRestartWindow(Duration restartWindow) {
		this.restartWindow = restartWindow;
	}

	public Duration getRestartCooldown() {
		return restartCooldown;
	}

	public void setRestartCooldown(Duration restartCooldown) {
		this.restartCooldown = restartCooldown;
	}

	public int getLimitsAuditPerSweep() {
		return limitsAuditPerSweep;
	}

	public void setLimitsAuditPerSweep(int limitsAuditPerSweep) {
		this.limitsAuditPerSweep = limitsAuditPerSweep;
	}

	public boolean isRemoveOrphans() {
		return removeOrphans;
	}

	public void setRemoveOrphans(boolean removeOrphans) {
		this.removeOrphans = removeOrphans;
	}

	public Duration getKeepReports() {
		return keepReports;
	}

	public void setKeepReports(Duration keepReports) {
		this.keepReports = keepReports;
	}

}
