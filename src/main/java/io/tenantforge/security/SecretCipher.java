package io.tenantforge.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Encrypts tenant secrets at rest with AES-256-GCM. The key lives outside the
 * control-plane database: in {@code TENANTFORGE_SECRET_KEY}, or a key file.
 */
@Component
public class SecretCipher {

	private static final int NONCE_BYTES = 12;

	private static final int TAG_BITS = 128;

	private final SecretKeySpec key;

	private final SecureRandom random = new SecureRandom();

	public SecretCipher(SecurityProperties properties, Environment environment) {
		String encoded = properties.secretKey();
		if ((encoded == null || encoded.isBlank()) && properties.secretKeyFile() != null
				&& Files.exists(properties.secretKeyFile())) {
			try {
				encoded = Files.readString(properties.secretKeyFile()).trim();
			}
			catch (IOException e) {
				throw new UncheckedIOException(e);
			}
		}
		encoded = DevCredentials.resolve(encoded, "the secret encryption key", "TENANTFORGE_SECRET_KEY",
				properties.generatedDir().resolve("secret.key"), environment, DevCredentials::randomKey);
		byte[] raw = Base64.getDecoder().decode(encoded);
		if (raw.length != 32) {
			throw new IllegalStateException("the secret encryption key must be 32 bytes (base64), was " + raw.length);
		}
		this.key = new SecretKeySpec(raw, "AES");
	}

	public byte[] encrypt(String plaintext, String context) {
		try {
			byte[] nonce = new byte[NONCE_BYTES];
			random.nextBytes(nonce);
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
			cipher.updateAAD(context.getBytes(java.nio.charset.StandardCharsets.UTF_8));
			byte[] sealed = cipher.doFinal(plaintext.getBytes(java.nio.charset.StandardCharsets.UTF_8));
			return ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
		}
		catch (GeneralSecurityException e) {
			throw new IllegalStateException("cannot encrypt", e);
		}
	}

	/**
	 * Seals bytes (a backup's parts) like {@link #encrypt}: a fresh nonce, the context as
	 * associated data, so that what was sealed for one context (tenant) never opens for
	 * another.
	 */
	public byte[] seal(byte[] plaintext, String context) {
		try {
			byte[] nonce = new byte[NONCE_BYTES];
			random.nextBytes(nonce);
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
			cipher.updateAAD(context.getBytes(java.nio.charset.StandardCharsets.UTF_8));
			byte[] sealed = cipher.doFinal(plaintext);
			return ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
		}
		catch (GeneralSecurityException e) {
			throw new IllegalStateException("cannot encrypt", e);
		}
	}

	/**
	 * Opens what {@link #seal} sealed for the same context.
	 * @throws UnreadableSecretException when it was sealed under another key or for
	 * another context, or is damaged
	 */
	public byte[] open(byte[] ciphertext, String context) {
		if (ciphertext == null || ciphertext.length < NONCE_BYTES + TAG_BITS / 8) {
			throw new UnreadableSecretException("cannot decrypt " + context + ": too short to be sealed", null);
		}
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, ciphertext, 0, NONCE_BYTES));
			cipher.updateAAD(context.getBytes(java.nio.charset.StandardCharsets.UTF_8));
			return cipher.doFinal(ciphertext, NONCE_BYTES, ciphertext.length - NONCE_BYTES);
		}
		catch (GeneralSecurityException e) {
			throw new UnreadableSecretException("cannot decrypt " + context
					+ ": not sealed with this control plane's key for this context (another key, another tenant, "
					+ "or damaged)", e);
		}
	}

	/**
	 * Decrypts what {@link #encrypt} sealed for the same context (tenant and secret
	 * name).
	 * @throws UnreadableSecretException when it was sealed under another key or for
	 * another context, or is damaged
	 */
	public String decrypt(byte[] ciphertext, String context) {
		if (ciphertext == null || ciphertext.length < NONCE_BYTES + TAG_BITS / 8) {
			throw new UnreadableSecretException("cannot decrypt a secret of " + context + ": too short to be sealed",
					null);
		}
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, ciphertext, 0, NONCE_BYTES));
			cipher.updateAAD(context.getBytes(java.nio.charset.StandardCharsets.UTF_8));
			byte[] plain = cipher.doFinal(ciphertext, NONCE_BYTES, ciphertext.length - NONCE_BYTES);
			return new String(plain, java.nio.charset.StandardCharsets.UTF_8);
		}
		catch (GeneralSecurityException e) {
			throw new UnreadableSecretException("cannot decrypt a secret of " + context
					+ ": not sealed with this control plane's key (written under another key, or damaged)", e);
		}
	}

}
