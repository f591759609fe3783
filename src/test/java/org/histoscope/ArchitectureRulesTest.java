package org.histoscope;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import archfixtures.ClockDodger;
import archfixtures.ClockUser;
import archfixtures.OpenedComponent;
import archfixtures.StrayEntity;
import archfixtures.UnguardedComponent;
import archfixtures.UnguardedService;
import archfixtures.VaadinInAService;
import org.histoscope.cases.internal.PatientCase;
import org.histoscope.cases.internal.PatientCaseRepository;
import org.histoscope.cases.ui.JobUpdates;
import org.histoscope.ui.Badges;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.core.Violations;

/**
 * Each rule of ArchitectureTest and ModularityTest refuses a fixture class (test sources, {@code archfixtures}) that
 * breaks it, and lets through one that keeps it: a rule that could not fail would prove nothing.
 */
class ArchitectureRulesTest {

    private static JavaClasses load(Class<?>... classes) {
        return new ClassFileImporter().importClasses(classes);
    }

    @Test
    void aServiceThatUsesVaadinBreaksTheUiRule() {
        assertThatThrownBy(() -> ArchitectureTest.onlyTheUiSideDependsOnVaadin.check(load(VaadinInAService.class)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("VaadinInAService");
    }

    @Test
    void vaadinInAUiPackageKeepsTheUiRule() {
        assertThatCode(() -> ArchitectureTest.onlyTheUiSideDependsOnVaadin.check(load(Badges.class, JobUpdates.class, ClockUser.class)))
                .doesNotThrowAnyException();
    }

    @Test
    void aComponentWithAnUnguardedPublicMethodBreaksTheGuardRule() {
        assertThatThrownBy(() -> ArchitectureTest.everyPublicServiceOrComponentMethodIsGuarded
                .check(load(UnguardedComponent.class)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("UnguardedComponent.secrets()");
    }

    @Test
    void aServiceMethodWithoutARuleBreaksTheGuardRuleEvenBesideAGuardedOne() {
        assertThatThrownBy(() -> ArchitectureTest.everyPublicServiceOrComponentMethodIsGuarded
                .check(load(UnguardedService.class)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("UnguardedService.forgotten()")
                .hasMessageNotContaining("UnguardedService.guarded()");
    }

    @Test
    void aComponentWhoseMethodsHaveARuleOrAnExplicitOpeningKeepsTheGuardRule() {
        assertThatCode(() -> ArchitectureTest.everyPublicServiceOrComponentMethodIsGuarded
                .check(load(OpenedComponent.class))).doesNotThrowAnyException();
    }

    @Test
    void nowWithoutAClockBreaksTheClockRuleInEveryForm() {
        assertThatThrownBy(() -> ArchitectureTest.timeComesFromTheClockBean.check(load(ClockDodger.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("LocalTime.now()").hasMessageContaining("ZonedDateTime.now(java.time.ZoneId)");
    }

    @Test
    void nowWithTheClockKeepsTheClockRule() {
        assertThatCode(() -> ArchitectureTest.timeComesFromTheClockBean.check(load(ClockUser.class)))
                .doesNotThrowAnyException();
    }

    @Test
    void anEntityOutsideAnInternalPackageBreaksThePlacementRule() {
        assertThatThrownBy(() -> ArchitectureTest.entitiesAndRepositoriesLiveInAnInternalPackage
                .check(load(StrayEntity.class)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("StrayEntity");
    }

    @Test
    void entitiesAndRepositoriesInTheirFeaturesInternalPackageKeepThePlacementRule() {
        assertThatCode(() -> ArchitectureTest.entitiesAndRepositoriesLiveInAnInternalPackage
                .check(load(PatientCase.class, PatientCaseRepository.class))).doesNotThrowAnyException();
    }

    @Test
    void aModuleThatUsesAnotherModulesInternalsFailsVerification() {
        ApplicationModules fixture = ApplicationModules.of("archfixtures.modulith",
                location -> true); // the fixture lives in test sources, which the default import leaves out
        assertThatThrownBy(fixture::verify).isInstanceOf(Violations.class)
                .hasMessageContaining("beta").hasMessageContaining("AlphaSecret");
    }
}
