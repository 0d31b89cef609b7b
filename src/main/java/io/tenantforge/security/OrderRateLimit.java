package io.tenantforge.security;

import java.io.IOException;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The {@link OrderBudget} on order creation over REST ({@code POST /api/v1/tenants}):
 * past it, 429 with Retry-After.
 */
class OrderRateLimit extends OncePerRequestFilter {

	private final OrderBudget budget;

	private final Map<String, Integer> burstByUser;

	OrderRateLimit(SecurityProperties properties, OrderBudget budget) {
		this.budget = budget;
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
		long waitSeconds = budget.take(name, burstByUser.getOrDefault(name, 0), 0);
		if (waitSeconds > 0) {
			response.setHeader("Retry-After", Long.toString(waitSeconds));
			Problems.write(response, 429, "Too many orders", "user " + name + " may create " + budget.ordersPerMinute(0)
					+ " orders a minute; retry in " + waitSeconds + "s");
			return;
		}
		chain.doFilter(request, response);
	}

}
