package io.tenantforge.rollout;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.tenantforge.tenant.Tier;
import io.tenantforge.tenant.TierCatalog;
import io.tenantforge.tenant.TenantVersions.TenantVersion;

/**
 * Which tenants a rollout takes in which wave, from the ledger alone (no I/O). The rule
 * ({@link #RULE}): tenants that are pinned, already at the target, or not settled ACTIVE
 * are left out (a tenant held by an earlier rollout is taken again: a new rollout is an
 * operator's decision); the rest are ordered lowest tier first (smallest memory limit,
 * then fewest CPUs), then oldest first (created), then by id; each wave spec
 * ({@code "1"}: that many tenants, {@code "10%"}: that share of them, rounded up) says
 * how many tenants are upgraded once the wave is done, so the waves are cumulative and
 * the first is the canary.
 */
final class WavePlan {

	static final String RULE = "lowest tier first (memory, then cpus), then oldest (created), then id; waves cumulative";

	private WavePlan() {
	}

	/** The tenants in rollout order. */
	static List<TenantVersion> order(List<TenantVersion> candidates, TierCatalog tiers) {
		Comparator<TenantVersion> byTier = Comparator.comparingLong(t -> tierOf(tiers, t.tier()).memory().toBytes());
		return candidates.stream()
			.sorted(byTier.thenComparingDouble(t -> tierOf(tiers, t.tier()).cpus())
				.thenComparing(TenantVersion::createdAt)
				.thenComparing(TenantVersion::tenantId))
			.toList();
	}

	private static Tier tierOf(TierCatalog tiers, String name) {
		return tiers.find(name).orElseGet(() -> tiers.tiers().values().iterator().next());
	}

	/**
	 * How many tenants are done after each wave, of {@code total}: non-decreasing, the
	 * last one {@code total}.
	 */
	static List<Integer> cumulative(List<String> waves, int total) {
		List<Integer> sizes = new ArrayList<>();
		int before = 0;
		for (int i = 0; i < waves.size(); i++) {
			String wave = waves.get(i);
			int upTo = wave.endsWith("%")
					? (int) Math.ceil(total * Integer.parseInt(wave.substring(0, wave.length() - 1)) / 100.0)
					: Integer.parseInt(wave);
			upTo = Math.max(before, Math.min(total, upTo));
			if (i == waves.size() - 1) {
				upTo = total;
			}
			sizes.add(upTo);
			before = upTo;
		}
		return sizes;
	}

	/** The wave index of each tenant in rollout order. */
	static List<Integer> waveOf(List<String> waves, int total) {
		List<Integer> upTo = cumulative(waves, total);
		List<Integer> result = new ArrayList<>();
		int wave = 0;
		for (int position = 0; position < total; position++) {
			while (position >= upTo.get(wave)) {
				wave++;
			}
			result.add(wave);
		}
		return result;
	}

}
