package io.tenantforge.backup;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A tenant's Redis namespace as a backup holds it: every key (without the
 * {@code tenant:<slug>:} prefix, so the snapshot can seed another tenant) with its
 * remaining time to live and its {@code DUMP} payload.
 * <p>
 * The bytes: {@code TFNS1}, the number of keys, then per key its length-prefixed name,
 * its TTL in milliseconds ({@code -1}: none) and its length-prefixed payload.
 */
public record NamespaceSnapshot(List<Entry> entries) {

	private static final byte[] MAGIC = { 'T', 'F', 'N', 'S', '1' };

	public NamespaceSnapshot {
		entries = List.copyOf(entries);
	}

	/**
	 * @param suffix the key without the namespace prefix
	 * @param ttlMillis the remaining TTL when it was read, or -1 for a key that does not
	 * expire
	 * @param payload what {@code DUMP} returned (Redis's own serialisation, with its
	 * checksum)
	 */
	public record Entry(byte[] suffix, long ttlMillis, byte[] payload) {

		@Override
		public boolean equals(Object other) {
			return other instanceof Entry e && ttlMillis == e.ttlMillis && Arrays.equals(suffix, e.suffix)
					&& Arrays.equals(payload, e.payload);
		}

		@Override
		public int hashCode() {
			return 31 * Arrays.hashCode(suffix) + Arrays.hashCode(payload) + Long.hashCode(ttlMillis);
		}

		@Override
		public String toString() {
			return "Entry[" + suffix.length + " byte name, ttl " + ttlMillis + " ms, " + payload.length + " bytes]";
		}

	}

	public byte[] encode() {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (DataOutputStream out = new DataOutputStream(bytes)) {
			out.write(MAGIC);
			out.writeInt(entries.size());
			for (Entry entry : entries) {
				out.writeInt(entry.suffix().length);
				out.write(entry.suffix());
				out.writeLong(entry.ttlMillis());
				out.writeInt(entry.payload().length);
				out.write(entry.payload());
			}
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		return bytes.toByteArray();
	}

	/**
	 * @throws IllegalArgumentException when the bytes are not a snapshot
	 */
	public static NamespaceSnapshot decode(byte[] bytes) {
		try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
			byte[] magic = in.readNBytes(MAGIC.length);
			if (!Arrays.equals(magic, MAGIC)) {
				throw new IllegalArgumentException("not a namespace snapshot (no TFNS1 header)");
			}
			int count = in.readInt();
			if (count < 0) {
				throw new IllegalArgumentException("namespace snapshot with a negative key count");
			}
			List<Entry> entries = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				byte[] suffix = readBlock(in, bytes.length);
				long ttl = in.readLong();
				byte[] payload = readBlock(in, bytes.length);
				entries.add(new Entry(suffix, ttl, payload));
			}
			if (in.read() != -1) {
				throw new IllegalArgumentException("namespace snapshot with bytes after its last key");
			}
			return new NamespaceSnapshot(entries);
		}
		catch (IOException e) {
			throw new IllegalArgumentException("namespace snapshot cut short: " + e.getMessage(), e);
		}
	}

	private static byte[] readBlock(DataInputStream in, int limit) throws IOException {
		int length = in.readInt();
		if (length < 0 || length > limit) {
			throw new IllegalArgumentException("namespace snapshot with a block of " + length + " bytes");
		}
		byte[] block = in.readNBytes(length);
		if (block.length != length) {
			throw new IOException("expected " + length + " bytes, got " + block.length);
		}
		return block;
	}

}
