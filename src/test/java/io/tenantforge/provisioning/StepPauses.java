package io.tenantforge.provisioning;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.tenantforge.tenant.Tenant;

import org.springframework.boot.test.context.TestComponent;
import org.springframework.context.annotation.Primary;

/**
 * The in-process tests' {@link StepBarrier} (every {@code @IntegrationTest} context has
 * it): the production one's behaviour, and {@link #pauseAfter} to park the next reconcile
 * of one tenant after one step, holding the tenant's lock, until released.
 */
@TestComponent
@Primary
public class StepPauses implements StepBarrier {

	private static final Logger log = LoggerFactory.getLogger(StepPauses.class);

	private final HaltAfterStep production;

	/** The pauses asked for, by tenant id. */
	private final Map<String, Pause> pauses = new ConcurrentHashMap<>();

	StepPauses(HaltAfterStep production) {
		this.production = production;
	}

	@Override
	public void passed(String step, Tenant tenant) {
		production.passed(step, tenant);
		Pause pause = pauses.get(tenant.id());
		if (pause != null && pause.step.equals(step) && pauses.remove(tenant.id(), pause)) {
			log.warn("paused after step {} of tenant {} (test hook)", step, tenant.id());
			pause.park();
		}
	}

	/**
	 * The next reconcile of {@code tenantId} parks after {@code step} (a step name as the
	 * metrics and {@code halt-after-step} use it), holding the tenant's lock, until the
	 * pause is released.
	 */
	public Pause pauseAfter(String step, String tenantId) {
		Pause pause = new Pause(step);
		pauses.put(tenantId, pause);
		return pause;
	}

	/** A reconcile parked between two steps by {@link #pauseAfter}. */
	public static final class Pause {

		private static final Duration MAX_PARK = Duration.ofMinutes(5);

		private final String step;

		private final CountDownLatch parked = new CountDownLatch(1);

		private final CountDownLatch released = new CountDownLatch(1);

		private Pause(String step) {
			this.step = step;
		}

		/** Whether the reconcile reached the step and parked within {@code atMost}. */
		public boolean awaitParked(Duration atMost) throws InterruptedException {
			return parked.await(atMost.toMillis(), TimeUnit.MILLISECONDS);
		}

		/**
		 * Lets the parked reconcile go on (or lets it pass without parking, if it has not
		 * got there yet).
		 */
		public void release() {
			released.countDown();
		}

		private void park() {
			parked.countDown();
			try {
				released.await(MAX_PARK.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
