package io.tenantforge.support;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks a password against a PostgreSQL SCRAM-SHA-256 verifier
 * ({@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>}, RFC 5802/7677), as
 * the server does at login: on this machine PostgreSQL trusts 127.0.0.1, so a login would
 * not tell.
 */
public final class Scram {

	private Scram() {
	}

	public static boolean matches(String password, String verifier) {
		String[] parts = verifier.split("[$:]");
		if (parts.length != 5 || !parts[0].equals("SCRAM-SHA-256")) {
			return false;
		}
		try {
			Base64.Decoder base64 = Base64.getDecoder();
			byte[] salted = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
				.generateSecret(new PBEKeySpec(password.toCharArray(), base64.decode(parts[2]),
						Integer.parseInt(parts[1]), 256))
				.getEncoded();
			byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(hmac(salted, "Client Key"));
			return MessageDigest.isEqual(storedKey, base64.decode(parts[3]))
					&& MessageDigest.isEqual(hmac(salted, "Server Key"), base64.decode(parts[4]));
		}
		catch (GeneralSecurityException e) {
			throw new IllegalStateException(e);
		}
	}

	private static byte[] hmac(byte[] key, String text) throws GeneralSecurityException {
		Mac mac = Mac.getInstance("HmacSHA256");
		mac.init(new SecretKeySpec(key, "HmacSHA256"));
		return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
	}

}
