package io.hawt.springboot.security;

import java.lang.reflect.InvocationTargetException;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.security.auth.Subject;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.spi.LoginModule;

import io.hawt.web.auth.AuthenticationConfiguration;
import io.hawt.web.auth.RolePrincipal;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * Hawtio 4.2/4.3 look this class up by name to let the console trust Spring Security's
 * login but do not ship it (see FACTS.md). It runs after Spring's
 * {@code SecurityContextLoginModule}, which puts the request's {@link Authentication}
 * into the JAAS subject, and adds one Hawtio role principal per granted authority
 * ({@code ROLE_ADMIN} becomes {@code ADMIN}), which Hawtio then checks against
 * {@code hawtio.roles}.
 */
public class HawtioSpringSecurityLoginModule implements LoginModule {

	private Subject subject;

	private Class<? extends Principal> rolePrincipal = RolePrincipal.class;

	private final List<Principal> added = new ArrayList<>();

	@Override
	public void initialize(Subject subject, CallbackHandler handler, Map<String, ?> sharedState,
			Map<String, ?> options) {
		this.subject = subject;
		Object configuration = options.get(AuthenticationConfiguration.class.getName());
		if (configuration instanceof AuthenticationConfiguration hawtio
				&& hawtio.getDefaultRolePrincipalClass() != null) {
			this.rolePrincipal = hawtio.getDefaultRolePrincipalClass();
		}
	}

	@Override
	public boolean login() {
		return true;
	}

	@Override
	public boolean commit() {
		List<Authentication> authentications = subject.getPrincipals()
			.stream()
			.filter(Authentication.class::isInstance)
			.map(Authentication.class::cast)
			.toList();
		for (Authentication authentication : authentications) {
			for (GrantedAuthority authority : authentication.getAuthorities()) {
				String name = authority.getAuthority();
				Principal role = newRole(name.startsWith("ROLE_") ? name.substring("ROLE_".length()) : name);
				subject.getPrincipals().add(role);
				added.add(role);
			}
		}
		return !authentications.isEmpty();
	}

	@Override
	public boolean abort() {
		return logout();
	}

	@Override
	public boolean logout() {
		subject.getPrincipals().removeAll(added);
		added.clear();
		return true;
	}

	private Principal newRole(String name) {
		try {
			return rolePrincipal.getConstructor(String.class).newInstance(name);
		}
		catch (NoSuchMethodException | InstantiationException | IllegalAccessException | InvocationTargetException e) {
			return new RolePrincipal(name);
		}
	}

}
