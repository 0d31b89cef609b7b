package io.tenantforge;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;

import io.tenantforge.support.UnitTest;

import org.junit.jupiter.api.Test;

/**
 * The package arrows of {@code io.tenantforge}, checked on the compiled production
 * classes. Each feature package has a layer; a class may depend only on packages of a
 * lower layer (never sideways, never up), so there are no cycles:
 * <ol start="0">
 * <li>{@code support}: exceptions, headers, metrics, the retry policy: depends on no
 * feature;</li>
 * <li>{@code tenant} (the model, names, store, ledger, locks, the contracts resources
 * share) and {@code security} (secrets, API users);</li>
 * <li>the resources, one family per external thing: {@code database}, {@code cache},
 * {@code runtime}, {@code routing}, and every package not named below (a new resource
 * package such as a router or backups lands here): never on each other;</li>
 * <li>{@code health}: the probe and the fleet sweep, which observe the resources;</li>
 * <li>{@code provisioning} (the reconciler, which runs the resources' steps, the health
 * probe and the router), {@code intake} (order channels: they only record desired state)
 * and {@code rollout} (canary rollouts of the image and tenant schemas, which orchestrate
 * the resources' steps and the health probe as the reconciler does);</li>
 * <li>{@code posture}: the host posture check reads every part's settings; {@code backup}
 * (backups, restores, clones from an order, credential rotation) works on every resource
 * of one tenant and on orders.</li>
 * </ol>
 * What one resource needs from another goes through {@code tenant} (e.g.
 * {@link io.tenantforge.tenant.TenantServiceUrls}, implemented by {@code provisioning}
 * from the database and cache settings).
 */
@UnitTest
class ArchitectureTest {

	private static final String ROOT = "io.tenantforge";

	/**
	 * Layer of each package that is not a resource; a resource (any other package) is
	 * layer 2.
	 */
	private static final Map<String, Integer> LAYERS = Map.of("support", 0, "tenant", 1, "security", 1, "health", 3,
			"provisioning", 4, "intake", 4, "rollout", 4, "backup", 5, "posture", 5);

	private static final int RESOURCE = 2;

	private static final JavaClasses PRODUCTION = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages(ROOT);

	@Test
	void featuresDependOnlyOnLowerLayersNeverSidewaysOrUp() {
		ArchRule rule = ArchRuleDefinition.classes()
			.that()
			.resideInAPackage(ROOT + "..")
			.should(dependOnlyOnLowerLayers())
			.because("features depend on tenant and support, never on each other's internals or back up");
		rule.check(PRODUCTION);
	}

	@Test
	void featurePackagesAreFreeOfCycles() {
		slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(PRODUCTION);
	}

	@Test
	void eachFeatureLayerIsFixedHere() {
		// a package the table does not name is a resource; these are the resources of
		// today
		org.assertj.core.api.Assertions.assertThat(List.of("database", "cache", "runtime", "routing"))
			.allMatch(feature -> layerOf(feature) == RESOURCE);
	}

	@Test
	void supportDependsOnNoFeature() {
		ArchRuleDefinition.noClasses()
			.that()
			.resideInAPackage(ROOT + ".support..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(ROOT + ".tenant..", ROOT + ".security..", ROOT + ".database..", ROOT + ".cache..",
					ROOT + ".runtime..", ROOT + ".health..", ROOT + ".provisioning..", ROOT + ".intake..",
					ROOT + ".posture..")
			.check(PRODUCTION);
	}

	/**
	 * The feature a class belongs to: the first package below {@code io.tenantforge};
	 * empty for the root.
	 */
	static Optional<String> featureOf(JavaClass type) {
		String name = type.getPackageName();
		if (!name.startsWith(ROOT + ".")) {
			return Optional.empty();
		}
		String rest = name.substring(ROOT.length() + 1);
		int dot = rest.indexOf('.');
		return Optional.of(dot < 0 ? rest : rest.substring(0, dot));
	}

	static int layerOf(String feature) {
		return LAYERS.getOrDefault(feature, RESOURCE);
	}

	private static ArchCondition<JavaClass> dependOnlyOnLowerLayers() {
		return new ArchCondition<>("depend only on packages of a lower layer") {
			@Override
			public void check(JavaClass type, ConditionEvents events) {
				Optional<String> from = featureOf(type);
				if (from.isEmpty()) {
					return; // the application class wires everything
				}
				for (Dependency dependency : type.getDirectDependenciesFromSelf()) {
					Optional<String> to = featureOf(dependency.getTargetClass());
					if (to.isEmpty() || to.get().equals(from.get())) {
						continue;
					}
					if (layerOf(to.get()) >= layerOf(from.get())) {
						events.add(SimpleConditionEvent.violated(dependency,
								from.get() + " (layer " + layerOf(from.get()) + ") -> " + to.get() + " (layer "
										+ layerOf(to.get()) + "): " + dependency.getDescription()));
					}
				}
			}
		};
	}

}
