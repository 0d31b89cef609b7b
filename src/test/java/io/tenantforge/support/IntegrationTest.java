package io.tenantforge.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.tenantforge.provisioning.StepPauses;

import org.junit.jupiter.api.Tag;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;

/**
 * An integration test against the real PostgreSQL, Redis and Docker engine of this
 * machine, sharing one Spring context with every other such test (same annotations, same
 * configuration). Nothing is skipped when a service is missing: the test fails. Camel
 * runs as in production (JMX on: tests read route statistics), so no
 * {@code @CamelSpringBootTest}, which turns JMX off; metrics are exported as in
 * production. The reconciler's step boundaries can be paused ({@link StepPauses}). Tagged
 * {@code integration}: not in the fast tier ({@link UnitTest}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@ActiveProfiles("test")
@Import({ TenantFixtures.class, Api.class, StepPauses.class })
@Tag("integration")
public @interface IntegrationTest {

}
