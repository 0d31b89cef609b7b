package io.tenantforge.tenant;

/** What an operator asked a tenant to be; the reconciler makes the world match it. */
public enum DesiredState {

	ACTIVE, SUSPENDED, DELETED

}
