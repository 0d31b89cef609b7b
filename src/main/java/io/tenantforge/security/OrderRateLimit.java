package io.tenantforge.security;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A token bucket per user on order creation ({@code POST /api/v1/tenants}): {@code orderBurst} at once, refilled at
 * {@code ordersPerMinute}; past it, 429 with Retry-After. Per instance: with several control planes each allows its
 * own share.
 */
class OrderRateLimit extends OncePerRequestFilter {

	private final SecurityProperties properties;

	private final Map<String, Integer> burstByUser;

	private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

	OrderRateLimit(SecurityProperties properties) {
		this.properties = properties;
		this.burstByUser = properties.users()
			.stream()
			.filter(u -> u.orderBurst() > 0)
			.collect(Collectors.toMap(SecurityProperties.User::name, SecurityProperties.User::orderBurst));
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !("POST".equals(request.getMethod()) && "/api/v1/tenants".equals(request.getRequestURI()));
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Authentication user = SecurityContextHolder.getContext().getAuthentication();
		String name = user == null ? "anonymous" : user.getName();
		Bucket bucket = buckets.computeIfAbsent(name, bucketFor());
		long waitSeconds = bucket.take();
		if (waitSeconds > 0) {
			response.setHeader("Retry-After", Long.toString(waitSeconds));
			Problems.write(response, 429, "Too many orders",
					"user " + name + " may create " + properties.ordersPerMinute() + " orders a minute; retry in "
							+ waitSeconds + "s");
			return;
		}
		chain.doFilter(request, response);
	}

	private Function<String, Bucket> bucketFor() {
		return name -> new Bucket(burstByUser.getOrDefault(name, properties.orderBurst()),
				properties.ordersPerMinute() / 60.0);
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
