package io.tenantforge.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Version;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

/**
 * Health of the Docker engine ({@code docker} in actuator health): a ping and the
 * engine's version.
 */
@Component("docker")
class DockerHealthIndicator extends AbstractHealthIndicator {

	private final DockerClient docker;

	private final RuntimeProperties properties;

	DockerHealthIndicator(DockerClient docker, RuntimeProperties properties) {
		super(error -> "Docker engine unreachable at " + properties.getDockerHost());
		this.docker = docker;
		this.properties = properties;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		Version version;
		try {
			docker.pingCmd().exec();
			version = docker.versionCmd().exec();
		}
		catch (RuntimeException e) {
			builder.down()
				.withDetail("host", properties.getDockerHost())
				.withDetail("error",
						"Docker engine unreachable at " + properties.getDockerHost() + ": " + e.getMessage());
			return;
		}
		builder.up()
			.withDetail("host", properties.getDockerHost())
			.withDetail("version", version.getVersion())
			.withDetail("apiVersion", version.getApiVersion());
	}

}
