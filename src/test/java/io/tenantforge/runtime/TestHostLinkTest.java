package io.tenantforge.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;

import io.tenantforge.support.TestHost;

import org.junit.jupiter.api.Test;

/**
 * Two test hosts joined by a veth pair, as several machines are (the Swarm and router
 * work builds on it): a port a container publishes on its host's link address answers
 * from the other host; nothing else of that host does.
 */
class TestHostLinkTest {

	@Test
	void twoLinkedTestHostsReachEachOthersPublishedPortsOnly() {
		try (TestHost first = TestHost.start("tflinka", false); TestHost second = TestHost.start("tflinkb", false)) {
			// 10.201.1.0/24 exists only inside the two namespaces this test made (on the
			// veth pair between them);
			// every request below is sent from inside one of them
			List<String> addresses = first.link(second, 1);
			assertThat(addresses).containsExactly("10.201.1.1", "10.201.1.2");
			String web = second.docker()
				.createContainerCmd("tenantforge/tenant-smoke:dev")
				.withName("link-web")
				.withEntrypoint("/bin/busybox")
				.withCmd("httpd", "-f", "-p", "0.0.0.0:8080", "-h", "/")
				.withExposedPorts(ExposedPort.tcp(8080))
				.withHostConfig(
						HostConfig.newHostConfig()
							.withPortBindings(new PortBinding(Ports.Binding.bindIpAndPort("10.201.1.2", 18080),
									ExposedPort.tcp(8080))))
				.exec()
				.getId();
			second.docker().startContainerCmd(web).exec();
			String container = second.docker().inspectContainerCmd(web).exec().getNetworkSettings().getIpAddress();

			assertThat(httpCode(first, "http://10.201.1.2:18080/")).isNotEqualTo("000");
			assertThat(httpCode(first, "http://10.201.1.2:18081/")).isEqualTo("000"); // not
																						// published
			assertThat(httpCode(first, "http://" + container + ":8080/")).isEqualTo("000"); // the
																							// other
																							// host's
																							// bridge
		}
	}

	/**
	 * curl from inside {@code from}: the HTTP status, or 000 when nothing answered within
	 * 3 s.
	 */
	private static String httpCode(TestHost from, String url) {
		return from.run(Duration.ofSeconds(10), "curl", "-s", "-o", "/dev/null", "-m", "3", "-w", "%{http_code}", url)
			.output()
			.strip();
	}

}
