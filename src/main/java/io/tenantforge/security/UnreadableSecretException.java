package io.tenantforge.security;

/**
 * A sealed secret that this control plane's key cannot open: written under another key,
 * or damaged. A fault in one tenant's data, never retried (the same bytes fail the same
 * way); the message never carries the key or the ciphertext.
 */
public class UnreadableSecretException extends IllegalStateException {

	public UnreadableSecretException(String message, Throwable cause) {
		super(message, cause);
	}

}
