package io.tenantforge.health;

import java.util.Set;

/**
 * Tenants whose new container runs beside the old one right now: a rollout has started
 * the candidate and not yet retired the old container (or undone the attempt). Their
 * candidate containers are expected, not orphans. The rollouts implement it (they sit
 * above the sweep); a candidate of a tenant not in this set is a leftover, and reported.
 */
public interface UpgradesInFlight {

	/** The tenant ids; asked only when the engine shows a candidate container. */
	Set<String> tenants();

}
