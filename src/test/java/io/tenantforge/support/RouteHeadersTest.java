package io.tenantforge.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The YAML routes can only spell a header's name out: every {@code Tenantforge…} header
 * they name must be one that {@link Headers} names, so a renamed or mistyped header fails
 * here instead of travelling as null.
 */
@UnitTest
class RouteHeadersTest {

	private static final Pattern HEADER = Pattern.compile("\\bTenantforge[A-Z][A-Za-z]*");

	@Test
	void everyHeaderTheYamlRoutesNameIsOneOfHeaders() throws IOException {
		Set<String> declared = Stream.of(Headers.class.getDeclaredFields())
			.filter(field -> Modifier.isStatic(field.getModifiers()) && field.getType() == String.class)
			.map(RouteHeadersTest::value)
			.collect(Collectors.toSet());
		List<String> named = new ArrayList<>();
		try (Stream<Path> routes = Files.list(Path.of("src/main/resources/routes"))) {
			for (Path route : routes.filter(p -> p.toString().endsWith(".yaml")).toList()) {
				Matcher matcher = HEADER.matcher(Files.readString(route));
				while (matcher.find()) {
					named.add(matcher.group());
				}
			}
		}

		assertThat(named).as("headers named in the YAML routes").isNotEmpty();
		assertThat(declared).containsAll(named);
	}

	private static String value(Field field) {
		try {
			return (String) field.get(null);
		}
		catch (IllegalAccessException e) {
			throw new IllegalStateException(e);
		}
	}

}
