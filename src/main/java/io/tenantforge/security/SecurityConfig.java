package io.tenantforge.security;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;

/**
 * Who may do what: {@code viewer} reads, {@code operator} also orders and runs the
 * lifecycle, {@code admin} also everything else (actuator, console). HTTP Basic; 401
 * without credentials, 403 with the wrong role. Actuator health stays open for probes.
 * Request size and order rate are limited before any route runs.
 */
@Configuration
public class SecurityConfig {

	static final Set<String> ROLES = Set.of("viewer", "operator", "admin");

	private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

	private static final String BASIC_CHALLENGE = "Basic realm=\"tenantforge\"";

	/**
	 * The REST API: HTTP Basic for tools; the fleet page's own requests ride on the
	 * console's login session (never created here). A change that comes with the session
	 * cookie instead of an Authorization header must carry the CSRF token, so another
	 * site cannot make a logged-in browser order or delete tenants.
	 */
	@Bean
	@Order(1)
	SecurityFilterChain apiSecurity(HttpSecurity http, SecurityProperties properties, OrderBudget budget)
			throws Exception {
		http.securityMatcher("/api/**")
			.authorizeHttpRequests(auth -> auth.requestMatchers(HttpMethod.GET, "/api/**")
				.hasRole("VIEWER")
				.anyRequest()
				.hasRole("OPERATOR"))
			.httpBasic(basic -> basic.authenticationEntryPoint(SecurityConfig::apiUnauthorized))
			.csrf(csrf -> csrf.csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
				.csrfTokenRequestHandler(new CsrfTokenRequestAttributeHandler())
				.requireCsrfProtectionMatcher(request -> !SAFE_METHODS.contains(request.getMethod())
						&& request.getHeader("Authorization") == null))
			.exceptionHandling(e -> e.authenticationEntryPoint(SecurityConfig::apiUnauthorized)
				.accessDeniedHandler(SecurityConfig::apiDenied))
			.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.NEVER))
			.addFilterBefore(new RequestSizeLimit(properties.maxRequestSize().toBytes()), AuthorizationFilter.class)
			.addFilterAfter(new OrderRateLimit(properties, budget), AuthorizationFilter.class);
		return http.build();
	}

	/**
	 * Everything else: actuator health open; the console (Hawtio, Jolokia), the fleet
	 * page and the rest of actuator for admins. Form login for browsers, HTTP Basic for
	 * tools (401, not a redirect, when they send no HTML Accept); CSRF through a cookie
	 * the console's page reads and echoes as X-XSRF-TOKEN. The API's request size limit
	 * does not apply here: the console's Jolokia requests are legitimately large.
	 */
	@Bean
	@Order(2)
	SecurityFilterChain consoleSecurity(HttpSecurity http, SecurityProperties properties) throws Exception {
		var browser = new MediaTypeRequestMatcher(MediaType.TEXT_HTML);
		browser.setIgnoredMediaTypes(Set.of(MediaType.ALL));
		http.authorizeHttpRequests(auth -> auth
			.requestMatchers("/actuator/health", "/actuator/health/**", "/login", "/error", "/favicon.ico")
			.permitAll()
			.anyRequest()
			.hasRole("ADMIN"))
			.formLogin(Customizer.withDefaults())
			.httpBasic(Customizer.withDefaults())
			.exceptionHandling(e -> e
				.defaultAuthenticationEntryPointFor(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED),
						new NegatedRequestMatcher(browser))
				.accessDeniedHandler(SecurityConfig::deniedWithoutCredentialsIs401))
			.csrf(csrf -> csrf.csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
				.csrfTokenRequestHandler(new CsrfTokenRequestAttributeHandler()))
			.addFilterAfter(new CsrfCookieFilter(), BasicAuthenticationFilter.class);
		return http.build();
	}

	/**
	 * The API's 401, a problem document as the contract (api/openapi.yaml) says, with the
	 * Basic challenge.
	 */
	private static void apiUnauthorized(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException failed) throws IOException {
		response.setHeader("WWW-Authenticate", BASIC_CHALLENGE);
		Problems.write(response, 401, "Unauthorized",
				"this API needs HTTP Basic credentials of a tenantforge user; none were given or they are wrong");
	}

	/**
	 * The API's 403 (and 401 for a missing CSRF token without credentials, see below), as
	 * problem documents.
	 */
	private static void apiDenied(HttpServletRequest request, HttpServletResponse response,
			AccessDeniedException denied) throws IOException {
		if (hasCredentials(request)) {
			Problems.write(response, 403, "Forbidden",
					"the user's role may not do this (or, with the console's " + "session, the CSRF token is missing)");
		}
		else {
			apiUnauthorized(request, response, null);
		}
	}

	/**
	 * The CSRF check runs before authentication, so a POST without any credentials would
	 * be refused 403 for its missing token; it is answered 401 like every other request
	 * without credentials. With credentials, 403.
	 */
	private static void deniedWithoutCredentialsIs401(HttpServletRequest request, HttpServletResponse response,
			AccessDeniedException denied) throws IOException {
		if (hasCredentials(request)) {
			response.sendError(HttpServletResponse.SC_FORBIDDEN, "Forbidden");
		}
		else {
			response.setHeader("WWW-Authenticate", BASIC_CHALLENGE);
			response.sendError(HttpServletResponse.SC_UNAUTHORIZED, "Unauthorized");
		}
	}

	private static boolean hasCredentials(HttpServletRequest request) {
		var session = request.getSession(false);
		return request.getHeader("Authorization") != null
				|| session != null && session.getAttribute("SPRING_SECURITY_CONTEXT") != null;
	}

	@Bean
	RoleHierarchy roleHierarchy() {
		return RoleHierarchyImpl.fromHierarchy("ROLE_ADMIN > ROLE_OPERATOR\nROLE_OPERATOR > ROLE_VIEWER");
	}

	/**
	 * Users and passwords as configured, with successful checks remembered for a minute
	 * (see the class).
	 */
	@Bean
	AuthenticationProvider authenticationProvider(UserDetailsService users, PasswordEncoder encoder) {
		DaoAuthenticationProvider checked = new DaoAuthenticationProvider(encoder);
		checked.setUserDetailsService(users);
		return new CachingAuthenticationProvider(checked, Duration.ofMinutes(1), Clock.systemUTC());
	}

	@Bean
	PasswordEncoder passwordEncoder() {
		return PasswordEncoderFactories.createDelegatingPasswordEncoder();
	}

	@Bean
	UserDetailsService users(SecurityProperties properties, Environment environment, PasswordEncoder encoder) {
		String password = DevCredentials.resolve(properties.adminPassword(), "the admin password",
				"TENANTFORGE_ADMIN_PASSWORD", properties.generatedDir().resolve("admin-password"), environment,
				() -> DevCredentials.randomToken(18));
		List<UserDetails> users = new ArrayList<>();
		users.add(User.withUsername("admin").password(encoder.encode(password)).roles("ADMIN").build());
		for (SecurityProperties.User user : properties.users()) {
			String role = user.role() == null ? "" : user.role().toLowerCase(Locale.ROOT);
			if (!ROLES.contains(role)) {
				throw new IllegalStateException("user " + user.name() + ": role must be one of " + ROLES);
			}
			if (user.passwordHash() == null || !user.passwordHash().startsWith("{")) {
				throw new IllegalStateException("user " + user.name()
						+ ": password-hash must be an encoded hash such as {bcrypt}$2a$..., never a plain password");
			}
			users.add(User.withUsername(user.name())
				.password(user.passwordHash())
				.roles(role.toUpperCase(Locale.ROOT))
				.build());
		}
		return new InMemoryUserDetailsManager(users);
	}

}
