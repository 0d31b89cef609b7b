package io.tenantforge.rollout;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.tenantforge.database.TenantDatabaseProvisioner;
import io.tenantforge.rollout.Rollout.Entry;
import io.tenantforge.rollout.Rollout.State;
import io.tenantforge.rollout.Rollout.Step;
import io.tenantforge.runtime.RuntimeProperties;
import io.tenantforge.runtime.TenantRuntime;
import io.tenantforge.support.ConflictException;
import io.tenantforge.support.InvalidOrderException;
import io.tenantforge.support.NotFoundException;
import io.tenantforge.support.StepFailedException;
import io.tenantforge.tenant.TenantVersions;
import io.tenantforge.tenant.TenantVersions.TenantVersion;
import io.tenantforge.tenant.TierCatalog;

import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;

/**
 * The rollout API's operations ({@code routes/rollouts.yaml}): start a rollout (checked,
 * planned and recorded; the driver carries it out), read one with its per-wave,
 * per-tenant progress, pause, resume and abort it; read the version ledger and pin a
 * tenant.
 */
@Component
public class RolloutService {

	private static final Logger log = LoggerFactory.getLogger(RolloutService.class);

	private final RolloutStore rollouts;

	private final TenantVersions versions;

	private final TenantDatabaseProvisioner database;

	private final TenantRuntime runtime;

	private final RuntimeProperties runtimeSettings;

	private final TierCatalog tiers;

	private final ObjectMapper json;

	private final RolloutMetrics metrics;

	RolloutService(RolloutStore rollouts, TenantVersions versions, TenantDatabaseProvisioner database,
			TenantRuntime runtime, RuntimeProperties runtimeSettings, TierCatalog tiers, ObjectMapper json,
			RolloutMetrics metrics) {
		this.rollouts = rollouts;
		this.versions = versions;
		this.database = database;
		this.runtime = runtime;
		this.runtimeSettings = runtimeSettings;
		this.tiers = tiers;
		this.json = json;
		this.metrics = metrics;
	}

	/**
	 * Checks the request (400 naming the field), the image's declared lowest schema
	 * against the target (400 on {@code schemaVersion}: refused before any container
	 * starts), plans the waves and records the rollout (409 while another is running or
	 * paused).
	 */
	public RolloutView start(byte[] body) {
		JsonNode request;
		try {
			request = json.readTree(body);
		}
		catch (java.io.IOException e) {
			throw new InvalidOrderException("body", "is not JSON");
		}
		RolloutRequest asked = RolloutRequest.parse(request, database.schemaVersions());
		Optional<String> needs;
		try {
			needs = runtime.minSchema(asked.image());
		}
		catch (StepFailedException e) {
			throw new InvalidOrderException("image", e.getMessage());
		}
		if (needs.isPresent() && SchemaVersions.compare(asked.schemaVersion(), needs.get()) < 0) {
			throw new InvalidOrderException("schemaVersion",
					"image " + asked.image() + " needs tenant schema " + needs.get()
							+ " or newer (its label io.tenantforge.min-schema); " + asked.schemaVersion()
							+ " is older: refused before any container starts");
		}
		List<TenantVersion> candidates = versions.fleet()
			.stream()
			.filter(TenantVersion::settledActive)
			.filter(t -> !t.pinned())
			.filter(t -> !atTarget(t, asked))
			.toList();
		List<TenantVersion> ordered = WavePlan.order(candidates, tiers);
		List<Integer> waveOf = WavePlan.waveOf(asked.waves(), ordered.size());
		List<Entry> entries = new ArrayList<>();
		for (int i = 0; i < ordered.size(); i++) {
			TenantVersion tenant = ordered.get(i);
			entries.add(new Entry(0, tenant.tenantId(), waveOf.get(i), i, Step.PENDING, tenant.version().image(),
					tenant.version().schemaVersion(), null, null, null, null));
		}
		Rollout rollout = rollouts.create(asked, WavePlan.RULE, entries, null);
		log.info("Rollout {} of {} at schema {} over {} tenants in waves {}", rollout.id(), asked.image(),
				asked.schemaVersion(), entries.size(), asked.waves());
		return view(rollout);
	}

	/** The newest rollouts, newest first. */
	public List<RolloutView> list() {
		return rollouts.recent(20).stream().map(this::view).toList();
	}

	public RolloutView get(@Header("id") String id) {
		return view(find(id));
	}

	public RolloutView pause(@Header("id") String id) {
		return change(find(id), List.of(State.RUNNING), State.PAUSED, "paused by an operator");
	}

	public RolloutView resume(@Header("id") String id) {
		return change(find(id), List.of(State.PAUSED), State.RUNNING, null);
	}

	/**
	 * Stops the rollout for good: tenants not yet started stay as they are; one in
	 * progress finishes its steps.
	 */
	public RolloutView abort(@Header("id") String id) {
		return change(find(id), List.of(State.RUNNING, State.PAUSED, State.HALTED), State.ABORTED,
				"aborted by an operator");
	}

	/**
	 * The version ledger: the fleet's current version and every tenant's, with one query
	 * for the tenants.
	 */
	public Map<String, Object> ledger() {
		TenantVersions.Version current = versions.current();
		List<Map<String, Object>> tenants = new ArrayList<>();
		for (TenantVersion tenant : versions.fleet()) {
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("id", tenant.tenantId());
			row.put("image", imageOf(tenant.version().image()));
			row.put("schemaVersion", tenant.version().schemaVersion());
			row.put("pinned", tenant.pinned());
			row.put("heldReason", tenant.heldReason());
			tenants.add(row);
		}
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("current", Map.of("image", imageOf(current.image()), "schemaVersion", current.schemaVersion()));
		result.put("tenants", tenants);
		return result;
	}

	/**
	 * Pins (or unpins) a tenant at its version: a pinned tenant is left out of rollouts
	 * planned from then on.
	 */
	public Map<String, Object> pin(@Header("id") String id, byte[] body) {
		JsonNode request;
		try {
			request = json.readTree(body);
		}
		catch (java.io.IOException e) {
			throw new InvalidOrderException("body", "is not JSON");
		}
		if (request == null || !request.isObject() || request.size() != 1 || !request.path("pinned").isBoolean()) {
			throw new InvalidOrderException("pinned", "is required: true or false, and nothing else");
		}
		if (!versions.pin(id, request.get("pinned").asBoolean())) {
			throw new NotFoundException("no tenant " + id + " in the version ledger");
		}
		TenantVersion tenant = versions.find(id).orElseThrow();
		Map<String, Object> row = new LinkedHashMap<>();
		row.put("id", tenant.tenantId());
		row.put("image", imageOf(tenant.version().image()));
		row.put("schemaVersion", tenant.version().schemaVersion());
		row.put("pinned", tenant.pinned());
		row.put("heldReason", tenant.heldReason());
		return row;
	}

	/** The active rollout's tenants by step, for the gauges (called by the tick). */
	public void refreshGauges() {
		Map<Step, Integer> counts = new EnumMap<>(Step.class);
		rollouts.active(true)
			.ifPresent(r -> rollouts.entries(r.id()).forEach(e -> counts.merge(e.step(), 1, Integer::sum)));
		metrics.steps(counts);
	}

	private boolean atTarget(TenantVersion tenant, RolloutRequest asked) {
		return imageOf(tenant.version().image()).equals(asked.image())
				&& SchemaVersions.compare(tenant.version().schemaVersion(), asked.schemaVersion()) >= 0;
	}

	private String imageOf(String image) {
		return image == null ? runtimeSettings.getImage() : image;
	}

	private RolloutView change(Rollout rollout, List<State> from, State to, String reason) {
		if (!rollouts.transition(rollout.id(), from, to, reason)) {
			throw new ConflictException("rollout " + rollout.id() + " is " + rollout.state() + ": cannot become " + to);
		}
		log.info("Rollout {} {}", rollout.id(), to);
		return view(rollouts.find(rollout.id()).orElseThrow());
	}

	private Rollout find(String id) {
		if (id == null || !id.matches("[1-9][0-9]{0,17}")) {
			throw new InvalidOrderException("id", "must be a rollout id (a positive integer)");
		}
		return rollouts.find(Long.parseLong(id)).orElseThrow(() -> new NotFoundException("no rollout " + id));
	}

	private RolloutView view(Rollout rollout) {
		List<Entry> entries = rollouts.entries(rollout.id());
		List<WaveView> waves = new ArrayList<>();
		for (int wave = 0; wave < rollout.waves().size(); wave++) {
			final int index = wave;
			List<TenantProgress> tenants = entries.stream()
				.filter(e -> e.wave() == index)
				.map(e -> new TenantProgress(e.tenantId(), e.step().name(), imageOf(e.fromImage()), e.fromSchema(),
						e.reason(), e.updatedAt()))
				.toList();
			waves.add(new WaveView(wave + 1, rollout.waves().get(wave), tenants));
		}
		return new RolloutView(rollout.id(), rollout.image(), rollout.schemaVersion(), rollout.waves(),
				rollout.maxUnavailable(), rollout.failureThreshold(), rollout.canaryRule(), rollout.state().name(),
				rollout.reason(), rollout.currentWave() + 1, entries.size(),
				entries.stream().filter(e -> e.step() == Step.DONE).count(),
				entries.stream().filter(e -> e.step() == Step.FAILED).count(), rollout.createdAt(),
				rollout.finishedAt(), waves);
	}

	/** A rollout as the API shows it. */
	public record RolloutView(long id, String image, String schemaVersion, List<String> waves, int maxUnavailable,
			int failureThreshold, String canaryRule, String state, String reason, int currentWave, int tenants,
			long upgraded, long failed, Instant createdAt, Instant finishedAt, List<WaveView> progress) {
	}

	/** One wave: its number (from 1), its spec and its tenants in order. */
	public record WaveView(int wave, String spec, List<TenantProgress> tenants) {
	}

	/**
	 * One tenant of a rollout: its step, the version it came from, and why it failed or
	 * was skipped.
	 */
	public record TenantProgress(String id, String step, String fromImage, String fromSchema, String reason,
			Instant updatedAt) {
	}

}
