package io.tenantforge.security;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/**
 * How many orders each user may still place: a token bucket per user name, {@code burst}
 * at once, refilled at {@code tenantforge.security.orders-per-minute}. One budget for
 * every channel, so a user who orders over REST and over the queue draws on the same
 * allowance. Per instance: with several control planes each allows its own share.
 */
@Component
public class OrderBudget {

	private final SecurityProperties properties;

	private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

	public OrderBudget(SecurityProperties properties) {
		this.properties = properties;
	}

	/**
	 * Takes one order from the user's allowance.
	 * @param user who orders
	 * @param burst that user's allowance at once (0: the global {@code order-burst})
	 * @param perMinute that user's refill rate (0: the global {@code orders-per-minute})
	 * @return 0 when the order may go now, else the seconds until it may
	 */
	public long take(String user, int burst, int perMinute) {
		int capacity = burst > 0 ? burst : properties.orderBurst();
		return buckets.computeIfAbsent(user, name -> new Bucket(capacity, ordersPerMinute(perMinute) / 60.0)).take();
	}

	/** The refill rate that applies to a user with this setting (0: the global one). */
	public int ordersPerMinute(int perMinute) {
		return perMinute > 0 ? perMinute : properties.ordersPerMinute();
	}

	/** Tokens refill continuously up to the capacity; one order takes one. */
	static final class Bucket {

		private final int capacity;

		private final double perSecond;

		private double tokens;

		private long last = System.nanoTime();

		Bucket(int capacity, double perSecond) {
			this.capacity = capacity;
			this.perSecond = perSecond;
			this.tokens = capacity;
		}

		/** 0 when an order may go now, else the seconds to wait. */
		synchronized long take() {
			long now = System.nanoTime();
			tokens = Math.min(capacity, tokens + (now - last) / 1e9 * perSecond);
			last = now;
			if (tokens >= 1) {
				tokens -= 1;
				return 0;
			}
			return (long) Math.ceil((1 - tokens) / perSecond);
		}

	}

}
