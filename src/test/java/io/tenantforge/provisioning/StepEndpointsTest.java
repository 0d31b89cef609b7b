package io.tenantforge.provisioning;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;

import io.tenantforge.runtime.RuntimeProperties;
import io.tenantforge.support.Api;
import io.tenantforge.support.IntegrationTest;
import io.tenantforge.support.TenantFixtures;
import io.tenantforge.tenant.TenantStatus;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.api.management.mbean.ManagedProcessorMBean;
import org.apache.camel.api.management.mbean.ManagedRouteMBean;
import org.apache.camel.component.docker.DockerClientProfile;
import org.apache.camel.component.docker.DockerComponent;
import org.apache.camel.model.Model;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.spi.EndpointServiceLocation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The reconcile steps show their I/O: each step route sends to the Camel endpoint of what
 * it touches (what Hawtio's route diagram draws), and a suspend and a delete make their
 * engine calls through those endpoints, on the control plane's one engine client, and
 * release the container's ownership entry through {@code sql:}.
 */
@IntegrationTest
class StepEndpointsTest {

	private static final Duration RECONCILE = Duration.ofSeconds(60);

	private static final String TENANT = "conduit";

	@Autowired
	CamelContext camel;

	@Autowired
	Api api;

	@Autowired
	TenantFixtures fixtures;

	@Autowired
	DockerClient docker;

	@Autowired
	RuntimeProperties runtime;

	@BeforeEach
	@AfterEach
	void clean() {
		fixtures.awaitSettled(TENANT, RECONCILE);
		fixtures.purge(TENANT);
	}

	@Test
	void eachStepRouteSendsToTheEndpointsOfWhatItTouches() {
		assertThat(endpointsOf("provisioning-cache")).anyMatch(uri -> uri.startsWith("spring-redis:"));
		assertThat(endpointsOf("provisioning-container")).contains("docker:containerstart");
		assertThat(endpointsOf("provisioning-suspend")).contains("docker:containerstop?timeout=10");
		assertThat(endpointsOf("deprovisioning-container")).contains("docker:containerremove?force=true")
			.anyMatch(uri -> uri.startsWith("sql:DELETE FROM tenant_resources"));
	}

	/** What Hawtio draws the route diagram from: the route as JMX dumps it. */
	@Test
	void theConsolesRouteDumpNamesTheEndpoints() throws Exception {
		assertThat(dumped("provisioning-cache")).contains("uri=\"spring-redis:");
		assertThat(dumped("provisioning-container")).contains("uri=\"docker:containerstart\"");
		assertThat(dumped("provisioning-suspend")).contains("uri=\"docker:containerstop?timeout=10\"");
		assertThat(dumped("deprovisioning-container")).contains("uri=\"docker:containerremove?force=true\"")
			.contains("uri=\"sql:DELETE FROM tenant_resources");
	}

	@Test
	void dockerEndpointsUseTheControlPlanesEngineClient() {
		DockerComponent component = camel.getComponent("docker", DockerComponent.class);

		assertThat(component.getClient(new DockerClientProfile())).isSameAs(docker);
		Endpoint stop = camel.getEndpoint("docker:containerstop?timeout=10");
		assertThat(((EndpointServiceLocation) stop).getServiceUrl()).isEqualTo(runtime.getDockerHost());
	}

	@Test
	void provisionSuspendAndDeleteCallTheEngineThroughTheDockerEndpoints() {
		long starts = completed("provisioning-container-start");

		assertThat(api.postOrder(anOrder().withSubdomain(TENANT).build()).statusCode()).isEqualTo(202);
		fixtures.awaitStatus(TENANT, TenantStatus.ACTIVE, RECONCILE);

		assertThat(docker.inspectContainerCmd("tenant-" + TENANT).exec().getState().getRunning()).isTrue();
		assertThat(completed("provisioning-container-start")).as("docker:containerstart calls").isGreaterThan(starts);
		long stops = completed("provisioning-suspend-container-stop");

		assertThat(api.post("/api/v1/tenants/" + TENANT + "/suspend", "").statusCode()).isEqualTo(202);
		fixtures.awaitStatus(TENANT, TenantStatus.SUSPENDED, RECONCILE);

		assertThat(docker.inspectContainerCmd("tenant-" + TENANT).exec().getState().getRunning()).isFalse();
		assertThat(completed("provisioning-suspend-container-stop")).as("docker:containerstop calls")
			.isGreaterThan(stops);
		long removes = completed("deprovisioning-container-remove");
		long releases = completed("deprovisioning-container-release");

		assertThat(api.delete("/api/v1/tenants/" + TENANT).statusCode()).isEqualTo(202);
		fixtures.awaitStatus(TENANT, TenantStatus.DELETED, RECONCILE);

		assertThatThrownBy(() -> docker.inspectContainerCmd("tenant-" + TENANT).exec())
			.isInstanceOf(NotFoundException.class);
		assertThat(completed("deprovisioning-container-remove")).as("docker:containerremove calls")
			.isGreaterThan(removes);
		assertThat(completed("deprovisioning-container-release")).as("sql: releases").isGreaterThan(releases);
		assertThat(fixtures.controlPlaneDatabase()
			.queryForObject("SELECT count(*) FROM tenant_resources WHERE tenant_id = ? AND kind = 'container'",
					Long.class, TENANT))
			.isZero();
	}

	/** The endpoint URIs a route sends to, in its definition (choices, filters too). */
	private List<String> endpointsOf(String routeId) {
		RouteDefinition route = camel.getCamelContextExtension()
			.getContextPlugin(Model.class)
			.getRouteDefinition(routeId);
		assertThat(route).as(routeId).isNotNull();
		return ProcessorDefinitionHelper.filterTypeInOutputs(route.getOutputs(), SendDefinition.class)
			.stream()
			.map(send -> ((SendDefinition<?>) send).getEndpointUri())
			.toList();
	}

	private String dumped(String routeId) throws Exception {
		ManagedRouteMBean route = camel.getCamelContextExtension()
			.getContextPlugin(ManagedCamelContext.class)
			.getManagedRoute(routeId);
		assertThat(route).as(routeId).isNotNull();
		return route.dumpRouteAsXml();
	}

	/** Exchanges the route node with this id completed (JMX, as the console reads it). */
	private long completed(String processorId) {
		ManagedProcessorMBean processor = camel.getCamelContextExtension()
			.getContextPlugin(ManagedCamelContext.class)
			.getManagedProcessor(processorId);
		assertThat(processor).as(processorId).isNotNull();
		return processor.getExchangesCompleted();
	}

}
