package io.tenantforge.runtime;

import java.time.Duration;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One docker-java client over the engine socket (httpclient5 transport), shared by every
 * runtime bean; its requests are counted ({@link CountedDockerHttpClient}).
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

}
