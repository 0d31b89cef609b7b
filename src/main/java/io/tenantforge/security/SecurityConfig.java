package io.tenantforge.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;

/**
 * Who may do what: {@code viewer} reads, {@code operator} also orders and runs the lifecycle, {@code admin} also
 * everything else (actuator, console). HTTP Basic; 401 without credentials, 403 with the wrong role. Actuator
 * health stays open for probes. Request size and order rate are limited before any route runs.
 */
@Configuration
public class SecurityConfig {

	static final Set<String> ROLES = Set.of("viewer", "operator", "admin");

	@Bean
	SecurityFilterChain apiSecurity(HttpSecurity http, SecurityProperties properties) throws Exception {
		http.authorizeHttpRequests(auth -> auth.requestMatchers("/actuator/health", "/actuator/health/**")
			.permitAll()
			.requestMatchers(HttpMethod.GET, "/api/**")
			.hasRole("VIEWER")
			.requestMatchers("/api/**")
			.hasRole("OPERATOR")
			.anyRequest()
			.hasRole("ADMIN"))
			.httpBasic(Customizer.withDefaults())
			.csrf(csrf -> csrf.ignoringRequestMatchers("/api/**"))
			.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.addFilterBefore(new RequestSizeLimit(properties.maxRequestSize().toBytes()), AuthorizationFilter.class)
			.addFilterAfter(new OrderRateLimit(properties), AuthorizationFilter.class);
		return http.build();
	}

	@Bean
	RoleHierarchy roleHierarchy() {
		return RoleHierarchyImpl.fromHierarchy("ROLE_ADMIN > ROLE_OPERATOR\nROLE_OPERATOR > ROLE_VIEWER");
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
			users.add(User.withUsername(user.name()).password(user.passwordHash()).roles(role.toUpperCase(Locale.ROOT))
				.build());
		}
		return new InMemoryUserDetailsManager(users);
	}

}
