package io.tenantforge.intake;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;

/**
 * The API's contract, {@value #LOCATION}: the document the REST routes are built from
 * (routes/api.yaml), served as it is written and as JSON.
 */
@Component
public class ApiContract {

	/**
	 * On the class path; the REST DSL, the generated client and the tests read this one
	 * file.
	 */
	public static final String LOCATION = "api/openapi.yaml";

	private final String yaml;

	private final JsonNode document;

	public ApiContract() {
		try (InputStream in = new ClassPathResource(LOCATION).getInputStream()) {
			this.yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			this.document = new YAMLMapper().readTree(yaml);
		}
		catch (IOException e) {
			throw new UncheckedIOException("cannot read the API contract " + LOCATION, e);
		}
	}

	public String yaml() {
		return yaml;
	}

	public JsonNode json() {
		return document;
	}

}
