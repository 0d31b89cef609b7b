package io.tenantforge.rollout;

import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.tenantforge.support.DaemonThreads;
import io.tenantforge.rollout.Rollout.Entry;
import io.tenantforge.rollout.Rollout.State;
import io.tenantforge.rollout.TenantUpgrade.Outcome;
import io.tenantforge.tenant.TenantLocks;
import io.tenantforge.tenant.TenantLocks.TenantLock;
import io.tenantforge.tenant.TenantVersions;
import io.tenantforge.tenant.TenantVersions.Version;

import org.springframework.stereotype.Component;

/**
 * Advances the running rollout batch by batch on each tick of the {@code rollout-tick}
 * timer (for up to {@link #TICK_BUDGET}, re-reading the rollout between batches so a
 * pause or an abort is seen at once), on one control plane at a time (an advisory lock):
 * the first {@code maxUnavailable} (at most {@value #MAX_PARALLEL}) unfinished tenants of
 * the current wave are upgraded side by side ({@link TenantUpgrade}) and the tick waits
 * for them; a wave whose tenants are all finished moves the rollout to the next; once
 * {@code failureThreshold} tenants have failed it halts, touching nothing else; after the
 * last wave it completes and its version becomes the fleet's current one (what new orders
 * take). Everything it decides by is in the database, so a control plane started after a
 * crash goes on where the rollout was.
 */
@Component
public class RolloutDriver {

	/** The advisory lock key of the driver: not a possible tenant slug. */
	static final String LOCK_KEY = "~rollout-driver";

	/**
	 * At most this many tenants upgrade at once, whatever {@code maxUnavailable} says.
	 */
	static final int MAX_PARALLEL = 8;

	/**
	 * How long one tick goes on starting batches: a schema-only wave of hundreds of
	 * tenants is not paced by the timer's period.
	 */
	static final java.time.Duration TICK_BUDGET = java.time.Duration.ofSeconds(5);

	private static final Logger log = LoggerFactory.getLogger(RolloutDriver.class);

	/**
	 * The threads of tenants upgraded side by side (daemon: a stopping control plane does
	 * not wait for them).
	 */
	private final java.util.concurrent.ExecutorService workers = java.util.concurrent.Executors
		.newFixedThreadPool(MAX_PARALLEL, DaemonThreads.named("rollout-upgrade"));

	private final RolloutStore rollouts;

	private final TenantUpgrade upgrade;

	private final TenantLocks locks;

	private final TenantVersions versions;

	private final RolloutMetrics metrics;

	RolloutDriver(RolloutStore rollouts, TenantUpgrade upgrade, TenantLocks locks, TenantVersions versions,
			RolloutMetrics metrics) {
		this.rollouts = rollouts;
		this.upgrade = upgrade;
		this.locks = locks;
		this.versions = versions;
		this.metrics = metrics;
	}

	/** One tick: at most one tenant upgraded. */
	public void tick() {
		Optional<Rollout> running = rollouts.active(false);
		if (running.isEmpty()) {
			return;
		}
		Optional<TenantLock> lock = locks.tryLock(LOCK_KEY);
		if (lock.isEmpty()) {
			return; // another control plane drives it
		}
		try (TenantLock held = lock.get()) {
			long until = System.nanoTime() + TICK_BUDGET.toNanos();
			boolean progressed;
			do {
				Rollout rollout = rollouts.find(running.get().id()).orElseThrow();
				progressed = rollout.state() == State.RUNNING && advance(rollout);
			}
			while (progressed && System.nanoTime() < until);
		}
	}

	/**
	 * One batch, or the rollout's next state.
	 * @return whether a tenant of the batch finished (done, failed or skipped): another
	 * batch may follow at once
	 */
	private boolean advance(Rollout rollout) {
		List<Entry> entries = rollouts.entries(rollout.id());
		long failed = entries.stream().filter(e -> e.step() == Rollout.Step.FAILED).count();
		if (failed >= rollout.failureThreshold()) {
			halt(rollout, failed, entries);
			return false;
		}
		int waves = rollout.waves().size();
		for (int wave = rollout.currentWave(); wave < waves; wave++) {
			final int current = wave;
			Optional<Entry> next = entries.stream()
				.filter(e -> e.wave() == current && !e.step().finished())
				.findFirst();
			if (next.isPresent()) {
				if (wave != rollout.currentWave()) {
					rollouts.currentWave(rollout.id(), wave);
					log.info("Rollout {}: wave {} ({}) begins", rollout.id(), wave + 1, rollout.waves().get(wave));
				}
				List<Entry> batch = entries.stream()
					.filter(e -> e.wave() == current && !e.step().finished())
					.limit(Math.min(rollout.maxUnavailable(), MAX_PARALLEL))
					.toList();
				List<Outcome> outcomes = upgradeAll(rollout, batch);
				long failedNow = failed + outcomes.stream().filter(o -> o == Outcome.FAILED).count();
				if (failedNow >= rollout.failureThreshold()) {
					halt(rollout, failedNow, rollouts.entries(rollout.id()));
					return false;
				}
				return outcomes.stream().anyMatch(o -> o != Outcome.WAITING);
			}
		}
		if (rollouts.transition(rollout.id(), List.of(State.RUNNING), State.COMPLETED, null)) {
			rollouts.currentWave(rollout.id(), waves - 1);
			versions.setCurrent(new Version(rollout.image(), rollout.schemaVersion()));
			log.info("Rollout {} COMPLETED: {} at schema {} is the fleet's version", rollout.id(), rollout.image(),
					rollout.schemaVersion());
		}
		return false;
	}

	/**
	 * Upgrades the batch, at most {@code maxUnavailable} tenants of one wave at once
	 * (each under its own lock), and waits for all of them: a failure among them halts
	 * the rollout before the next batch starts.
	 */
	private List<Outcome> upgradeAll(Rollout rollout, List<Entry> batch) {
		if (batch.size() == 1) {
			Outcome outcome = upgrade.run(rollout, batch.get(0));
			metrics.counted(outcome);
			return List.of(outcome);
		}
		List<java.util.concurrent.Future<Outcome>> running = batch.stream()
			.map(entry -> workers.submit(() -> upgrade.run(rollout, entry)))
			.toList();
		List<Outcome> outcomes = new java.util.ArrayList<>();
		for (java.util.concurrent.Future<Outcome> future : running) {
			try {
				Outcome outcome = future.get();
				metrics.counted(outcome);
				outcomes.add(outcome);
			}
			catch (java.util.concurrent.ExecutionException e) {
				log.warn("Rollout {}: a tenant upgrade stopped: {}", rollout.id(), e.getCause().getMessage());
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				return outcomes;
			}
		}
		return outcomes;
	}

	private void halt(Rollout rollout, long failed, List<Entry> entries) {
		String reasons = entries.stream()
			.filter(e -> e.step() == Rollout.Step.FAILED)
			.map(e -> e.tenantId() + ": " + e.reason())
			.reduce((a, b) -> a + "; " + b)
			.orElse("");
		if (rollouts.transition(rollout.id(), List.of(State.RUNNING), State.HALTED,
				failed + " tenant(s) failed (failureThreshold " + rollout.failureThreshold() + "): " + reasons)) {
			log.warn("Rollout {} HALTED: {}", rollout.id(), reasons);
		}
	}

}
