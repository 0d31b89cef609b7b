package io.tenantforge.runtime;

import java.io.IOException;

import com.github.dockerjava.transport.DockerHttpClient;

import io.tenantforge.support.CallScope;
import io.tenantforge.support.Gateway;

/**
 * docker-java's transport, counting every request to the engine as a
 * {@link Gateway#ENGINE} call ({@link CallScope}): what the engine was really asked,
 * whichever command or component asked it.
 */
final class CountedDockerHttpClient implements DockerHttpClient {

	private final DockerHttpClient http;

	CountedDockerHttpClient(DockerHttpClient http) {
		this.http = http;
	}

	@Override
	public Response execute(Request request) {
		CallScope.record(Gateway.ENGINE);
		return http.execute(request);
	}

	@Override
	public void close() throws IOException {
		http.close();
	}

}
