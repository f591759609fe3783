package org.histoscope;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import java.util.List;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.vaadin.flow.component.Component;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityManager;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * The layering rules of DEVELOPERS.md, written for any feature package under org.histoscope (cases, images,
 * inference, models, review, ... included as they appear), so new features are checked without editing this test.
 */
@AnalyzeClasses(packages = "org.histoscope", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String ROOT = "org.histoscope.";

    /** Spring Data repositories and our own @Repository / *Repository data-access classes. */
    private static final DescribedPredicate<JavaClass> REPOSITORIES = new DescribedPredicate<>("repositories") {
        @Override
        public boolean test(JavaClass c) {
            return c.isAssignableTo(org.springframework.data.repository.Repository.class)
                    || c.isAnnotatedWith(org.springframework.stereotype.Repository.class)
                    || c.getSimpleName().endsWith("Repository");
        }
    };

    private static final DescribedPredicate<JavaClass> VIEWS = new DescribedPredicate<>("views and UI components") {
        @Override
        public boolean test(JavaClass c) {
            return c.isAssignableTo(Component.class) || c.getSimpleName().endsWith("View");
        }
    };

    /** Views, UI components, and the classes nested in them (anonymous listeners, inner dialogs). */
    private static final DescribedPredicate<JavaClass> VIEWS_AND_THEIR_PARTS =
            new DescribedPredicate<>("views, UI components and their nested classes") {
                @Override
                public boolean test(JavaClass c) {
                    for (Optional<JavaClass> k = Optional.of(c); k.isPresent(); k = k.get().getEnclosingClass()) {
                        if (VIEWS.test(k.get())) {
                            return true;
                        }
                    }
                    return false;
                }
            };

    private static final DescribedPredicate<JavaMethodCall> READS_AN_EXCEPTIONS_MESSAGE =
            new DescribedPredicate<>("Throwable.getMessage() or getLocalizedMessage()") {
                @Override
                public boolean test(JavaMethodCall call) {
                    return (call.getName().equals("getMessage") || call.getName().equals("getLocalizedMessage"))
                            && call.getTargetOwner().isAssignableTo(Throwable.class);
                }
            };

    /**
     * An exception's text never reaches a Notification, a Span or any other component: a refusal written for people
     * is shown through {@code WrittenForPeople.userMessage()}; anything else goes to the one error path (a plain
     * message with a reference; the exception is in the log). Reading getMessage() at all in a view is refused,
     * since a data flow from it to a component cannot be ruled out class by class.
     */
    @ArchTest
    static final ArchRule viewsNeverShowAnExceptionsText = noClasses()
            .that(VIEWS_AND_THEIR_PARTS)
            .should().callMethodWhere(READS_AN_EXCEPTIONS_MESSAGE)
            .because("people see a message written for them, or a reference; never an exception's text (issue #26)");

    @ArchTest
    static final ArchRule viewsDoNotUseRepositoriesOrRawPersistence = noClasses()
            .that(VIEWS)
            .should().dependOnClassesThat(REPOSITORIES)
            .orShould().dependOnClassesThat().areAssignableTo(EntityManager.class)
            .orShould().dependOnClassesThat().areAssignableTo(JdbcTemplate.class)
            .orShould().dependOnClassesThat().areAssignableTo(NamedParameterJdbcTemplate.class)
            .because("views call services; services own transactions, security and audit");

    /**
     * A call of any {@code java.time} type's {@code now(...)} that does not pass a Clock: {@code now()} and
     * {@code now(ZoneId)} read the system clock; {@code now(clock)} is how the Clock bean is used.
     */
    static final DescribedPredicate<JavaMethodCall> NOW_WITHOUT_A_CLOCK =
            new DescribedPredicate<>("java.time now(...) without a Clock") {
                @Override
                public boolean test(JavaMethodCall call) {
                    return call.getName().equals("now")
                            && call.getTargetOwner().getPackageName().equals("java.time")
                            && !call.getTarget().getRawParameterTypes().stream()
                                    .anyMatch(type -> type.isAssignableTo(java.time.Clock.class));
                }
            };

    /**
     * Every time stamp comes from the one {@code Clock} bean (platform.ClockConfiguration), so that tests control
     * time and a record never mixes two clocks. The tile cache is exempt: its eviction compares file-system times.
     */
    @ArchTest
    static final ArchRule timeComesFromTheClockBean = noClasses()
            .that().resideOutsideOfPackage("org.histoscope.platform..")
            .and().doNotHaveFullyQualifiedName("org.histoscope.viewer.internal.TileDiskCache")
            .should().callMethodWhere(NOW_WITHOUT_A_CLOCK)
            .orShould().callMethod(java.time.Clock.class, "systemUTC")
            .orShould().callMethod(java.time.Clock.class, "systemDefaultZone")
            .orShould().callMethod(System.class, "currentTimeMillis")
            .because("one Clock bean stamps time (tests replace it)");

    /** Classes in a {@code ui} package: org.histoscope.ui and any feature's {@code <feature>.ui}. */
    private static final DescribedPredicate<JavaClass> IN_A_UI_PACKAGE = new DescribedPredicate<>("in a ui package") {
        @Override
        public boolean test(JavaClass c) {
            String pkg = c.getPackageName();
            return pkg.equals(ROOT + "ui") || pkg.startsWith(ROOT + "ui.") || pkg.endsWith(".ui") || pkg.contains(".ui.");
        }
    };

    /** Vaadin's extension points (VaadinWebSecurity, VaadinServiceInitListener, AppShellConfigurator, ...). */
    private static final DescribedPredicate<JavaClass> PLUGGED_INTO_VAADIN =
            new DescribedPredicate<>("subtypes of a Vaadin type") {
                @Override
                public boolean test(JavaClass c) {
                    return c.getAllRawSuperclasses().stream().anyMatch(t -> t.getPackageName().startsWith("com.vaadin"))
                            || c.getAllRawInterfaces().stream().anyMatch(t -> t.getPackageName().startsWith("com.vaadin"));
                }
            };

    static final DescribedPredicate<JavaClass> UI_SIDE = new DescribedPredicate<>(
            "the UI side (ui packages, views and components with their nested classes, Vaadin extension points)") {
        @Override
        public boolean test(JavaClass c) {
            for (Optional<JavaClass> k = Optional.of(c); k.isPresent(); k = k.get().getEnclosingClass()) {
                JavaClass candidate = k.get();
                if (IN_A_UI_PACKAGE.test(candidate) || VIEWS.test(candidate) || PLUGGED_INTO_VAADIN.test(candidate)) {
                    return true;
                }
            }
            return false;
        }
    };

    /**
     * Services, domain and jobs know nothing of Vaadin: the same services serve the REST API and background jobs.
     * SessionLifetime (security filter) is the one exception: to a Vaadin request whose session ended it answers in
     * Vaadin's own "session expired" message, so the tab reloads to the sign-in page.
     */
    @ArchTest
    static final ArchRule onlyTheUiSideDependsOnVaadin = noClasses()
            .that(DescribedPredicate.not(UI_SIDE))
            .and().doNotHaveFullyQualifiedName("org.histoscope.security.SessionLifetime")
            .should().dependOnClassesThat().resideInAPackage("com.vaadin..")
            .because("services know nothing of Vaadin (DEVELOPERS.md); UI code lives in ui packages or views");

    @ArchTest
    static final ArchRule featuresAreFreeOfCycles = slices()
            .matching("org.histoscope.(*)..")
            .should().beFreeOfCycles();

    @ArchTest
    static final ArchRule repositoriesAreUsedOnlyInsideTheirFeature = classes()
            .that(REPOSITORIES).and().resideInAPackage("org.histoscope..")
            .should(beUsedOnlyFromTheirOwnFeature())
            .because("a feature reaches another only through its public service API");

    @ArchTest
    static final ArchRule entitiesAreUsedOnlyInsideTheirFeature = classes()
            .that().areAnnotatedWith(Entity.class)
            .should(beUsedOnlyFromTheirOwnFeature())
            .because("other features see value types (records), never another feature's entities");

    /**
     * Where a feature keeps its data: entities and repositories live in its {@code internal} package, which Spring
     * Modulith hides from the other modules (ModularityTest). Modulith refuses a use from outside; this rule refuses
     * the placement, so a new entity or repository cannot join a feature's API by being written in its top package.
     */
    @ArchTest
    static final ArchRule entitiesAndRepositoriesLiveInAnInternalPackage = classes()
            .that(new DescribedPredicate<JavaClass>("entities and repositories") {
                @Override
                public boolean test(JavaClass c) {
                    return c.isAnnotatedWith(Entity.class) || REPOSITORIES.test(c);
                }
            })
            .should().resideInAPackage("org.histoscope.*.internal..")
            .because("a feature's entities and repositories are its internals (issue #25), never another's API");

    /**
     * Method security by default: every public method of a {@code @Service} or {@code @Component} class carries a
     * rule, its own or the class's ({@code @RolesAllowed}, {@code @PermitAll}, {@code @DenyAll},
     * {@code @PreAuthorize}), or an explicit opening with its reason ({@code platform.Unguarded}), so a new method is
     * never open by accident.
     */
    @ArchTest
    static final ArchRule everyPublicServiceOrComponentMethodIsGuarded = methods()
            .that().areDeclaredInClassesThat().areAnnotatedWith(org.springframework.stereotype.Service.class)
            .or().areDeclaredInClassesThat().areAnnotatedWith(org.springframework.stereotype.Component.class)
            .and().arePublic()
            .should(beGuardedByMethodSecurity())
            .because("services enforce the role rules for the views and the API alike (DEVELOPERS.md)");

    private static final List<Class<? extends java.lang.annotation.Annotation>> GUARDS = List.of(
            jakarta.annotation.security.RolesAllowed.class, jakarta.annotation.security.PermitAll.class,
            jakarta.annotation.security.DenyAll.class,
            org.springframework.security.access.prepost.PreAuthorize.class,
            org.histoscope.platform.Unguarded.class);

    static ArchCondition<JavaMethod> beGuardedByMethodSecurity() {
        return new ArchCondition<>("be guarded by method security or opened explicitly (its own annotation or its class's)") {
            @Override
            public void check(JavaMethod method, ConditionEvents events) {
                boolean guarded = GUARDS.stream().anyMatch(guard -> method.isAnnotatedWith(guard)
                        || method.getOwner().isAnnotatedWith(guard));
                if (!guarded) {
                    events.add(SimpleConditionEvent.violated(method, method.getFullName() + " has no security rule"));
                }
            }
        };
    }

    private static ArchCondition<JavaClass> beUsedOnlyFromTheirOwnFeature() {
        return new ArchCondition<>("be used only from their own feature package") {
            @Override
            public void check(JavaClass target, ConditionEvents events) {
                Optional<String> feature = feature(target);
                for (Dependency dependency : target.getDirectDependenciesToSelf()) {
                    JavaClass origin = dependency.getOriginClass();
                    if (!feature(origin).equals(feature)) {
                        events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()));
                    }
                }
            }
        };
    }

    /** "cases" for org.histoscope.cases.internal.Foo; empty for classes directly in org.histoscope. */
    static Optional<String> feature(JavaClass c) {
        String pkg = c.getPackageName();
        if (!pkg.startsWith(ROOT)) {
            return Optional.empty();
        }
        String rest = pkg.substring(ROOT.length());
        int dot = rest.indexOf('.');
        return Optional.of(dot < 0 ? rest : rest.substring(0, dot));
    }
}
