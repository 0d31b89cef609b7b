package io.tenantforge.posture;

import java.time.Instant;
import java.util.List;

/**
 * The newest host posture check: the body of {@code GET /api/v1/fleet/posture}.
 *
 * @param findings what would let a tenant reach beyond its own resources
 * @param unchecked checks that could not run, and why (not findings: nothing is known)
 */
public record PostureReport(Instant checkedAt, String trigger, List<PostureFinding> findings, List<String> unchecked) {

	public boolean has(PostureFinding.Kind kind) {
		return findings.stream().anyMatch(f -> f.kind() == kind);
	}

}
