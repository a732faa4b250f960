package io.pushsync;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The arrows point one way: {@code api -> sync <- destination/*}, {@code api.census -> api}; {@code resilience} is
 * shared by the adapters and knows none of them; {@code sandbox} and {@code state} are only ever reached through
 * Spring, never imported.
 */
@AnalyzeClasses(packages = "io.pushsync", importOptions = {ImportOption.DoNotIncludeTests.class,
        ArchitectureTest.WrittenByHand.class})
class ArchitectureTest {

    /**
     * Leaves out the classes Spring AOT generates at {@code package} time ({@code Name__BeanDefinitions},
     * {@code PushsyncApplication__BeanFactoryRegistrations}, ...): they register every bean, so they reach every
     * package, as Spring does.
     */
    static final class WrittenByHand implements ImportOption {
        @Override
        public boolean includes(Location location) {
            return !location.matches(java.util.regex.Pattern.compile(".*/[^/]*__[^/]*\\.class$"));
        }
    }

    @ArchTest
    static final ArchRule coreKnowsNoVendorNorTheHttpLayer = noClasses()
            .that().resideInAPackage("io.pushsync.sync..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "io.pushsync.destination..", "io.pushsync.api..", "io.pushsync.sandbox..",
                    "io.pushsync.resilience..")
            .because("sync is the core: adapters plug into it, it never names them");

    @ArchTest
    static final ArchRule httpLayerKnowsNoVendor = noClasses()
            .that().resideInAPackage("io.pushsync.api..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "io.pushsync.destination..", "io.pushsync.resilience..", "io.pushsync.sandbox..")
            .because("api -> sync <- destination/*: the HTTP layer reaches adapters only through the core");

    @ArchTest
    static final ArchRule censusReachesAdaptersOnlyThroughTheCore = noClasses()
            .that().resideInAPackage("io.pushsync.api.census..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "io.pushsync.destination..", "io.pushsync.resilience..", "io.pushsync.sandbox..",
                    "io.pushsync.state..")
            .because("Census is one more protocol over the core: objects, fields and pace come from the Destination "
                    + "SPI, so a new vendor needs no Census code");

    @ArchTest
    static final ArchRule theSharedHttpLayerDoesNotNameCensus = noClasses()
            .that().resideInAPackage("io.pushsync.api")
            .should().dependOnClassesThat().resideInAPackage("io.pushsync.api.census..")
            .because("api.census builds on the shared HTTP pieces (streamed bodies, limits, Problem Details), "
                    + "which never name it");

    @ArchTest
    static final ArchRule adaptersDoNotUseTheHttpLayerOrTheSandbox = noClasses()
            .that().resideInAPackage("io.pushsync.destination..")
            .should().dependOnClassesThat().resideInAnyPackage("io.pushsync.api..", "io.pushsync.sandbox..")
            .because("an adapter talks to the core through the Destination SPI only");

    @ArchTest
    static final ArchRule adaptersDoNotDependOnEachOther = slices()
            .matching("io.pushsync.destination.(*)..")
            .should().notDependOnEachOther()
            .allowEmptyShould(true)
            .because("adding a vendor means adding a folder; one adapter never imports another");

    @ArchTest
    static final ArchRule nothingImportsTheSandbox = noClasses()
            .that().resideOutsideOfPackage("io.pushsync.sandbox..")
            .should().dependOnClassesThat().resideInAPackage("io.pushsync.sandbox..")
            .because("the vendor simulators exist only in the sandbox profile");

    @ArchTest
    static final ArchRule resilienceKnowsNoVendor = noClasses()
            .that().resideInAPackage("io.pushsync.resilience..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "io.pushsync.destination..", "io.pushsync.api..", "io.pushsync.sandbox..")
            .because("resilience is shared by every adapter");

    @ArchTest
    static final ArchRule nothingImportsTheStateStores = noClasses()
            .that().resideOutsideOfPackage("io.pushsync.state..")
            .should().dependOnClassesThat().resideInAPackage("io.pushsync.state..")
            .because("the shared stores implement interfaces of sync and resilience; only Spring wires them in");

    @ArchTest
    static final ArchRule stateKnowsNoAdapterNorTheHttpLayer = noClasses()
            .that().resideInAPackage("io.pushsync.state..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "io.pushsync.api..", "io.pushsync.destination..", "io.pushsync.sandbox..")
            .because("state may depend on sync and resilience only");

    @ArchTest
    static final ArchRule packagesAreFreeOfCycles = slices()
            .matching("io.pushsync.(**)")
            .should().beFreeOfCycles()
            .because("every package builds on the ones below it: sync (the SPI and the row model) <- sync.intake, "
                    + "sync.connections, sync.idempotency <- sync.jobs <- sync.batches <- api; a cycle would make "
                    + "two packages one");

    @ArchTest
    static final ArchRule noJackson2 = noClasses()
            .should().dependOnClassesThat().resideInAnyPackage(
                    "com.fasterxml.jackson.databind..", "com.fasterxml.jackson.core..")
            .because("Boot 4 uses Jackson 3 (tools.jackson.*); only com.fasterxml.jackson.annotation is shared");
}
