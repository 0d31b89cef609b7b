package io.tenantforge.runtime;

import io.tenantforge.support.RetryableException;

/**
 * The cluster has no node the tenant may run on (Swarm: its task is pending with "no
 * suitable node"): a tier's node labels no node carries, every node's tenant slots taken,
 * not enough reservable memory or CPU. Not a failure of the tenant: it waits, PENDING,
 * until a node qualifies, and is tried again.
 */
public class UnschedulableException extends RetryableException {

	public UnschedulableException(String message) {
		super(message);
	}

}
