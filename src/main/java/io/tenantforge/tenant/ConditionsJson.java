package io.tenantforge.tenant;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;

/**
 * A view's conditions written as JSON once per list of conditions, then reused: the store
 * hands every read of the same unchanged conditions the same immutable list
 * ({@code TenantStore}), and formatting their times was, after parsing them, most of a
 * list page's CPU (issue 16). The JSON is what the mapper writes for the list; kept for
 * the most recently written lists, by identity of the list and of the mapper.
 */
final class ConditionsJson extends JsonSerializer<List<Condition>> {

	private static final int KEPT = 4096;

	private static final Map<Identity, String> WRITTEN = RecentlyUsed.map(KEPT);

	@Override
	public void serialize(List<Condition> conditions, JsonGenerator out, SerializerProvider provider)
			throws IOException {
		if (!(out.getCodec() instanceof ObjectMapper mapper)) {
			provider.defaultSerializeValue(conditions, out);
			return;
		}
		Identity key = new Identity(mapper, conditions);
		String json = WRITTEN.get(key);
		if (json == null) {
			json = mapper.writeValueAsString(conditions);
			WRITTEN.put(key, json);
		}
		out.writeRawValue(json);
	}

	/**
	 * A list written by a mapper, by identity: lists equal in content may be written
	 * apart, and two mappers may write one list differently.
	 */
	private record Identity(ObjectMapper mapper, List<Condition> list) {

		@Override
		public boolean equals(Object other) {
			return other instanceof Identity that && that.list == list && that.mapper == mapper;
		}

		@Override
		public int hashCode() {
			return 31 * System.identityHashCode(mapper) + System.identityHashCode(list);
		}

	}

}
