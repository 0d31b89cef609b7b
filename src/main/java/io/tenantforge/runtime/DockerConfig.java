package io.tenantforge.runtime;

import java.time.Duration;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;

import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One docker-java client over the engine socket (httpclient5 transport), shared by every
 * runtime bean and by the routes' {@code docker:} endpoints; its requests are counted
 * ({@link CountedDockerHttpClient}).
 */
@Configuration
class DockerConfig {

	@Bean(destroyMethod = "close")
	DockerClient dockerClient(RuntimeProperties properties) {
		var config = DefaultDockerClientConfig.createDefaultConfigBuilder()
			.withDockerHost(properties.getDockerHost())
			.build();
		var http = new ApacheDockerHttpClient.Builder().dockerHost(config.getDockerHost())
			.maxConnections(32)
			.connectionTimeout(Duration.ofSeconds(5))
			.responseTimeout(Duration.ofSeconds(60))
			.build();
		return DockerClientImpl.getInstance(config, new CountedDockerHttpClient(http));
	}

	/**
	 * Camel's {@code docker:} component, on the same engine through the same client,
	 * added before the routes are (a bean named {@code docker} would clash with the
	 * health indicator's name).
	 */
	@Bean
	CamelContextConfiguration dockerComponent(DockerClient dockerClient, RuntimeProperties properties) {
		return new CamelContextConfiguration() {

			@Override
			public void beforeApplicationStart(CamelContext camelContext) {
				camelContext.addComponent("docker", new EngineComponent(dockerClient, properties));
			}

			@Override
			public void afterApplicationStart(CamelContext camelContext) {
			}

		};
	}

}
