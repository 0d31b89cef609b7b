package io.tenantforge.tenant;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The tiers an order may name, bound from {@code tenantforge.tiers} in
 * {@code config/tiers.yaml}.
 */
@ConfigurationProperties("tenantforge")
public record TierCatalog(Map<String, Tier> tiers) {

	public TierCatalog {
		if (tiers == null || tiers.isEmpty()) {
			throw new IllegalStateException(
					"no tiers configured: tenantforge.tiers is empty (is config/tiers.yaml missing?)");
		}
		tiers = new TreeMap<>(tiers);
	}

	public Optional<Tier> find(String name) {
		return Optional.ofNullable(tiers.get(name));
	}

	public Tier get(String name) {
		return find(name).orElseThrow(() -> new IllegalStateException("unknown tier " + name));
	}

}
