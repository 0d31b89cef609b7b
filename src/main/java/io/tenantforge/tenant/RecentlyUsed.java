package io.tenantforge.tenant;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bounded maps that drop the least recently read entry first, safe to share between
 * threads.
 */
final class RecentlyUsed {

	private RecentlyUsed() {
	}

	/** A map keeping at most {@code kept} entries. */
	static <K, V> Map<K, V> map(int kept) {
		return Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
			@Override
			protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
				return size() > kept;
			}
		});
	}

}
