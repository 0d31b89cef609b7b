package io.tenantforge.intake;

import java.util.Set;

import javax.security.auth.Subject;

import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager5;
import org.apache.activemq.artemis.spi.core.security.jaas.RolePrincipal;
import org.apache.activemq.artemis.spi.core.security.jaas.UserPrincipal;

/**
 * The embedded broker's authentication and authorization, for every protocol (CORE, AMQP,
 * STOMP): a connection without a known user and matching password is refused; an
 * authenticated user may do on an address only what the security settings give its
 * {@link BrokerRole} there. Passwords are checked against hashes ({@link BrokerUsers}),
 * never kept in clear.
 */
class BrokerSecurityManager implements ActiveMQSecurityManager5 {

	private final BrokerUsers users;

	BrokerSecurityManager(BrokerUsers users) {
		this.users = users;
	}

	@Override
	public Subject authenticate(String user, String password, RemotingConnection connection, String securityDomain) {
		return users.authenticate(user, password).map(entry -> {
			Subject subject = new Subject();
			subject.getPrincipals().add(new UserPrincipal(entry.name()));
			subject.getPrincipals().add(new RolePrincipal(entry.role().roleName()));
			return subject;
		}).orElse(null); // the broker logs the refusal itself (AMQ222216), with the
							// remote address
	}

	@Override
	public boolean authorize(Subject subject, Set<Role> roles, CheckType checkType, String address) {
		if (subject == null || roles == null) {
			return false;
		}
		for (RolePrincipal principal : subject.getPrincipals(RolePrincipal.class)) {
			for (Role role : roles) {
				if (role.getName().equals(principal.getName()) && checkType.hasRole(role)) {
					return true;
				}
			}
		}
		return false;
	}

	@Override
	public boolean validateUser(String user, String password) {
		return users.authenticate(user, password).isPresent();
	}

	@Override
	public boolean validateUserAndRole(String user, String password, Set<Role> roles, CheckType checkType) {
		return authorize(authenticate(user, password, null, null), roles, checkType, null);
	}

}
