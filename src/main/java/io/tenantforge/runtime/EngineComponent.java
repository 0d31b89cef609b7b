package io.tenantforge.runtime;

import java.util.Map;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;

import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Producer;
import org.apache.camel.component.docker.DockerClientProfile;
import org.apache.camel.component.docker.DockerComponent;
import org.apache.camel.component.docker.DockerConfiguration;
import org.apache.camel.component.docker.DockerConstants;
import org.apache.camel.component.docker.DockerEndpoint;
import org.apache.camel.component.docker.DockerOperation;
import org.apache.camel.support.DefaultProducer;
import org.apache.camel.support.service.ServiceHelper;

/**
 * Camel's {@code docker:} component on the control plane's one engine: every endpoint
 * calls through the shared {@link DockerClient} ({@code tenantforge.runtime.docker-host},
 * {@link DockerConfig}), never through a client camel-docker would build from endpoint
 * options (by default {@code unix:///localhost}, and another transport). Its answers are
 * read by the docker driver's one fault classification
 * ({@link TenantContainerProvisioner#engineFault}): an answer that means the call had
 * been made already (a container stopped or started already, removed already) is success,
 * an inspect of no container an empty body, and anything else a
 * {@code RetryableException} (5xx, unreachable) or a {@code StepFailedException}, which
 * the routes' {@code provisioning-retry} configuration retries or not.
 */
final class EngineComponent extends DockerComponent {

	private final DockerClient client;

	private final RuntimeProperties runtime;

	EngineComponent(DockerClient client, RuntimeProperties runtime) {
		this.client = client;
		this.runtime = runtime;
	}

	/** The shared client, whatever the endpoint's connection options. */
	@Override
	public DockerClient getClient(DockerClientProfile clientProfile) {
		return client;
	}

	@Override
	public void setClient(DockerClientProfile clientProfile, DockerClient client) {
		throw new IllegalStateException("docker: endpoints use the control plane's DockerClient only");
	}

	@Override
	protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
		DockerEndpoint endpoint = (DockerEndpoint) super.createEndpoint(uri, remaining, parameters);
		return new ClassifiedEndpoint(uri, this, endpoint.getConfiguration());
	}

	/**
	 * Whether the engine's refusal says the call's effect is there already: what a step
	 * that is safe to repeat treats as done.
	 */
	static boolean doneAlready(DockerOperation operation, DockerException fault) {
		return switch (operation) {
			case STOP_CONTAINER, START_CONTAINER -> fault instanceof NotModifiedException;
			case REMOVE_CONTAINER, INSPECT_CONTAINER -> fault instanceof NotFoundException;
			default -> false;
		};
	}

	private final class ClassifiedEndpoint extends DockerEndpoint {

		ClassifiedEndpoint(String uri, DockerComponent component, DockerConfiguration configuration) {
			super(uri, component, configuration);
		}

		@Override
		public Producer createProducer() throws Exception {
			return new ClassifiedProducer(this, super.createProducer());
		}

		/** The engine the shared client talks to (not the endpoint's unused options). */
		@Override
		public String getServiceUrl() {
			return runtime.getDockerHost();
		}

	}

	private final class ClassifiedProducer extends DefaultProducer {

		private final Producer delegate;

		private final DockerOperation operation;

		ClassifiedProducer(DockerEndpoint endpoint, Producer delegate) {
			super(endpoint);
			this.delegate = delegate;
			this.operation = endpoint.getConfiguration().getOperation();
		}

		@Override
		public void process(Exchange exchange) throws Exception {
			try {
				delegate.process(exchange);
			}
			catch (DockerException fault) {
				if (!doneAlready(operation, fault)) {
					throw TenantContainerProvisioner.engineFault(subject(exchange), runtime.getImage(), fault);
				}
				if (operation == DockerOperation.INSPECT_CONTAINER) {
					exchange.getMessage().setBody(null);
				}
			}
			catch (RuntimeException fault) {
				throw TenantContainerProvisioner.engineFault(subject(exchange), runtime.getImage(), fault);
			}
		}

		private String subject(Exchange exchange) {
			return "container " + exchange.getMessage().getHeader(DockerConstants.DOCKER_CONTAINER_ID, String.class);
		}

		@Override
		protected void doStart() throws Exception {
			ServiceHelper.startService(delegate);
		}

		@Override
		protected void doStop() throws Exception {
			ServiceHelper.stopService(delegate);
		}

	}

}
