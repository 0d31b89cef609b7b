package io.tenantforge.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;

/**
 * A destructive outage test: it stops one of the machine's services on purpose
 * (PostgreSQL, Redis, the Docker engine) or changes its security (a Redis default
 * password), and puts it back. It needs root and a machine of its own.
 * {@code ./mvnw -B verify} and CI run it; {@code -DexcludedGroups=outage} leaves it out.
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Tag(Outage.TAG)
public @interface Outage {

	String TAG = "outage";

}
