package io.tenantforge.database;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * The tenant migrations ({@code classpath:db/tenant/*.sql}), read once at start-up and
 * handed to every tenant's Flyway run: profiling a burst showed Flyway scanning the
 * nested jar for them again on every provisioning.
 */
final class TenantMigrations implements ResourceProvider {

	static final String LOCATION = "db/tenant";

	private final List<Script> scripts;

	private TenantMigrations(List<Script> scripts) {
		this.scripts = scripts;
	}

	static TenantMigrations load() {
		try {
			List<Script> scripts = new ArrayList<>();
			for (Resource resource : new PathMatchingResourcePatternResolver()
				.getResources("classpath:" + LOCATION + "/*.sql")) {
				scripts.add(new Script(resource.getFilename(), resource.getContentAsString(StandardCharsets.UTF_8)));
			}
			return new TenantMigrations(List.copyOf(scripts));
		}
		catch (IOException e) {
			throw new UncheckedIOException("cannot read the tenant migrations under " + LOCATION, e);
		}
	}

	/** Migrations given as file name → text (tests). */
	static TenantMigrations of(Map<String, String> scripts) {
		return new TenantMigrations(
				scripts.entrySet().stream().map(script -> new Script(script.getKey(), script.getValue())).toList());
	}

	@Override
	public LoadableResource getResource(String name) {
		return scripts.stream().filter(s -> s.getFilename().equals(name)).findFirst().orElse(null);
	}

	@Override
	public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
		return scripts.stream()
			.filter(s -> s.getFilename().startsWith(prefix))
			.filter(s -> Arrays.stream(suffixes).anyMatch(s.getFilename()::endsWith))
			.map(LoadableResource.class::cast)
			.toList();
	}

	/** One migration script, kept in memory. */
	private static final class Script extends LoadableResource {

		private final String filename;

		private final String text;

		Script(String filename, String text) {
			this.filename = filename;
			this.text = text;
		}

		@Override
		public Reader read() {
			return new StringReader(text);
		}

		@Override
		public String getAbsolutePath() {
			return LOCATION + "/" + filename;
		}

		@Override
		public String getAbsolutePathOnDisk() {
			return getAbsolutePath();
		}

		@Override
		public String getFilename() {
			return filename;
		}

		@Override
		public String getRelativePath() {
			return getAbsolutePath();
		}

	}

}
