package io.tenantforge.database;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The warm pool of the database step (see {@link SchemaPool}).
 *
 * @param size slots kept ready per tier; 0 turns the pool off (no slot is made or taken,
 * and slots left by an earlier setting are dropped once at start-up). Give every control
 * plane of a fleet the same size. The console (JMX bean io.tenantforge:type=SchemaPool)
 * changes it at runtime.
 * @param refillEvery how often the pool is checked and refilled besides after each slot
 * taken
 */
@ConfigurationProperties("tenantforge.pool")
public record PoolProperties(Integer size, Duration refillEvery) {

	public PoolProperties {
		size = size == null ? 0 : size;
		refillEvery = refillEvery == null ? Duration.ofSeconds(30) : refillEvery;
		if (size < 0 || size > 50) {
			throw new IllegalArgumentException("tenantforge.pool.size must be between 0 and 50, not " + size);
		}
	}

}
