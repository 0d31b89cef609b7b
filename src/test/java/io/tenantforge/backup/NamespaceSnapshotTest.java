package io.tenantforge.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class NamespaceSnapshotTest {

	@Test
	void keysTtlsAndPayloadsSurviveEncoding() {
		NamespaceSnapshot snapshot = new NamespaceSnapshot(
				List.of(new NamespaceSnapshot.Entry(bytes("plain"), -1, new byte[] { 0, 1, 2, (byte) 0xff }),
						new NamespaceSnapshot.Entry(bytes("with:ttl"), 59_000, new byte[0])));

		assertThat(NamespaceSnapshot.decode(snapshot.encode())).isEqualTo(snapshot);
	}

	@Test
	void anEmptyNamespaceIsASnapshotToo() {
		assertThat(NamespaceSnapshot.decode(new NamespaceSnapshot(List.of()).encode()).entries()).isEmpty();
	}

	@Test
	void bytesThatAreNotASnapshotAreRefusedWithTheReason() {
		byte[] encoded = new NamespaceSnapshot(List.of(new NamespaceSnapshot.Entry(bytes("k"), 5, bytes("v"))))
			.encode();

		assertThatThrownBy(() -> NamespaceSnapshot.decode(bytes("something else")))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("TFNS1");
		assertThatThrownBy(() -> NamespaceSnapshot.decode(Arrays.copyOf(encoded, encoded.length - 1)))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("cut short");
		assertThatThrownBy(() -> NamespaceSnapshot.decode(Arrays.copyOf(encoded, encoded.length + 1)))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("after its last key");
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
