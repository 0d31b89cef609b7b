package io.tenantforge.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;

/**
 * The fast tier: a plain unit test of beans and records, with no Spring context and no
 * service (no PostgreSQL, Redis, Docker engine or network). {@code ./mvnw -B -Pfast test}
 * runs these alone.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag(UnitTest.TAG)
public @interface UnitTest {

	String TAG = "unit";

}
