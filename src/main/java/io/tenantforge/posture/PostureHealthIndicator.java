package io.tenantforge.posture;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

/**
 * {@code posture} in actuator health: the newest host posture check's findings as
 * details. UP while {@code tenantforge.posture.enforce} is off (findings are warnings),
 * DOWN with findings when it is on, and with it readiness.
 */
@Component("posture")
class PostureHealthIndicator extends AbstractHealthIndicator {

	private final PostureCheck check;

	PostureHealthIndicator(PostureCheck check) {
		super(error -> "host posture check failed");
		this.check = check;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		PostureReport report = check.latest();
		boolean down = check.enforced() && !report.findings().isEmpty();
		(down ? builder.down() : builder.up()).withDetail("enforced", check.enforced())
			.withDetail("checkedAt", report.checkedAt().toString())
			.withDetail("findings",
					report.findings()
						.stream()
						.map(f -> java.util.Map.of("kind", f.kind().id(), "detail", f.detail(), "fix", f.fix()))
						.toList())
			.withDetail("unchecked", report.unchecked());
	}

}
