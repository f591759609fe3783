package org.histoscope.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.router.RouteData;
import com.vaadin.flow.server.VaadinServletContext;
import com.vaadin.flow.server.auth.AccessAnnotationChecker;
import com.vaadin.flow.server.startup.ApplicationRouteRegistry;
import jakarta.servlet.ServletContext;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.histoscope.testsupport.TestAccounts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.stereotype.Service;

/**
 * The role matrix, written out once (docs/security-and-audit.md) and checked against the running application:
 * every Vaadin route and every public method of every service class, for an anonymous caller, each of the three
 * roles and the system identity of background jobs. A route or service method that is not in the table fails the
 * test, so a new entry point must be given its rule here. Object-level rules (whose case) are in CaseAccessTest.
 * Letters: N anonymous, P pathologist, R reviewer, A administrator, S system (jobs).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessMatrixTest {

    static final Map<String, String> ROUTES = Map.ofEntries(
            Map.entry("login", "NPRA"), Map.entry("", "PRA"), Map.entry("account/password", "PRA"),
            Map.entry("patients", "P"), Map.entry("cases", "PRA"), Map.entry("case/:___url_parameter", "PRA"),
            Map.entry("result/:___url_parameter", "PRA"), Map.entry("review", "R"),
            Map.entry("review/sign/:___url_parameter", "R"), Map.entry("audit", "RA"), Map.entry("admin/users", "A"),
            Map.entry("admin/models", "A"), Map.entry("admin/status", "A"),
            // (the old address review/case/{id} is a RouteAlias of finalize/{id}: the same view and rule)
            Map.entry("finalize/:___url_parameter", "PR"),
            Map.entry("case-reports/:___url_parameter", "PR"),
            Map.entry("admin/api-tokens", "A"), Map.entry("admin/lis-messages", "A"),
            Map.entry("admin/pixel-size", "A"),
            // test-only (src/test): the error path's browser test opens a page that fails on purpose
            Map.entry("test-fault/:___url_parameter", "PRA"));

    static final Map<String, String> SERVICES = Map.ofEntries(
            // cases
            Map.entry("CaseService.createPatient", "P"), Map.entry("CaseService.updatePatient", "P"),
            Map.entry("CaseService.searchPatients", "P"), Map.entry("CaseService.countPatients", "P"),
            Map.entry("CaseService.findPatient", "P"), Map.entry("CaseService.findPatientByMrn", "P"),
            Map.entry("CaseService.findCaseByAccession", "PR"), Map.entry("CaseService.lockForFinalization", "PR"),
            Map.entry("CaseService.createCase", "P"), Map.entry("CaseService.updateCase", "P"),
            Map.entry("CaseService.findCase", "PRA"), Map.entry("CaseService.openCase", "PRA"),
            Map.entry("CaseService.recordResultOpened", "PRA"), Map.entry("CaseService.rightsOn", "PRA"),
            Map.entry("CaseService.reassign", "A"), Map.entry("CaseService.timeline", "PRA"),
            Map.entry("CaseService.searchCases", "PRA"), Map.entry("CaseService.countCases", "PRA"),
            Map.entry("CaseService.markFinalized", "P"), Map.entry("CaseService.lockFinalized", "P"),
            Map.entry("CaseService.moveToReviewIfOpen", "S"),
            Map.entry("PredictionJobService.rerun", "P"), Map.entry("PredictionJobService.retry", "P"),
            Map.entry("PredictionJobService.jobsForCase", "PRA"), Map.entry("PredictionJobService.findJob", "PR"),
            Map.entry("PredictionJobService.awaitJob", "PR"),
            Map.entry("PredictionJobService.queueStatus", "A"), Map.entry("PredictionJobService.countFailedJobs", "A"),
            // home worklists and navigation counts (issue 26)
            Map.entry("CaseWorkService.myUnfinishedCases", "P"), Map.entry("CaseWorkService.countMyUnfinishedCases", "P"),
            Map.entry("CaseWorkService.workOf", "PRA"),
            Map.entry("ReviewQueueService.waitingForReview", "PR"), Map.entry("ReviewQueueService.countWaitingForReview", "PR"),
            Map.entry("ReviewQueueService.newestOfCases", "P"),
            Map.entry("FinalizationReadinessService.readyAmong", "PR"),
            Map.entry("WorklistService.pathologist", "P"), Map.entry("WorklistService.reviewer", "R"),
            Map.entry("WorklistService.administrator", "A"), Map.entry("WorklistService.forCurrentUser", "NPRAS"),
            Map.entry("CaseImageService.upload", "P"), Map.entry("CaseImageService.imagesOfCase", "PRA"),
            Map.entry("CaseImageService.findImage", "PRA"),
            Map.entry("CaseImageService.previewPng", "PRA"), Map.entry("CaseImageService.storageStatus", "A"),
            // deep-zoom viewer
            Map.entry("CaseSlideService.openViewer", "PR"), Map.entry("CaseSlideService.tile", "PR"),
            Map.entry("DeepZoomTiler.layout", "PR"), Map.entry("DeepZoomTiler.tile", "PR"),
            // users and login
            Map.entry("AccountDirectory.printedName", "PRA"), Map.entry("AccountDirectory.verifyPassword", "PRA"),
            Map.entry("AccountDirectory.usersWithRole", "PRA"),
            Map.entry("SecuritySettingsService.requesterMaySign", "PRA"),
            Map.entry("SecuritySettingsService.setRequesterMaySign", "A"),
            Map.entry("LoginAttempts.failed", "NPRAS"), Map.entry("LoginAttempts.succeeded", "NPRAS"),
            // directory sign-in (LDAP, OIDC) provisions the local row before anyone is signed in
            Map.entry("DirectoryAccounts.signIn", "NPRAS"),
            Map.entry("AccountUserDetailsService.loadUserByUsername", "NPRAS"),
            Map.entry("UserAccountService.search", "A"), Map.entry("UserAccountService.count", "A"),
            Map.entry("UserAccountService.find", "A"), Map.entry("UserAccountService.create", "A"),
            Map.entry("UserAccountService.update", "A"), Map.entry("UserAccountService.setEnabled", "A"),
            Map.entry("UserAccountService.resetPassword", "A"), Map.entry("UserAccountService.unlock", "A"),
            Map.entry("UserAccountService.changeOwnPassword", "PRA"),
            Map.entry("UserAccountService.mustChangePassword", "PRA"),
            Map.entry("UserAccountService.ownLanguage", "PRA"),
            Map.entry("UserAccountService.changeOwnLanguage", "PRA"),
            Map.entry("UserAccountService.setLanguage", "A"),
            // images and inference
            Map.entry("SafeImageInspector.inspect", "NPRAS"), Map.entry("SafeImageInspector.inspectAndProbe", "P"), Map.entry("SafeImageInspector.open", "NPRAS"),
            Map.entry("SafeImageInspector.readRegion", "NPRAS"), Map.entry("SafeImageInspector.readWhole", "NPRAS"),
            Map.entry("SafeImageInspector.preview", "NPRAS"), Map.entry("SafeImageInspector.previewPng", "NPRAS"),
            Map.entry("SafeImageInspector.maxFullDecodePixels", "NPRAS"), Map.entry("SafeImageInspector.limits", "NPRAS"),
            Map.entry("StoredPredictionService.store", "S"), Map.entry("StoredPredictionService.forImage", "PRAS"),
            Map.entry("StoredPredictionService.tileGrid", "PRAS"),
            Map.entry("StoredPredictionService.find", "PRAS"), Map.entry("StoredPredictionService.heatmapPng", "PRAS"),
            Map.entry("StoredPredictionService.explanationPng", "PRAS"),
            Map.entry("StoredPredictionService.attachExplanation", "S"),
            Map.entry("DefaultInferenceService.explainPatch", "S"),
            Map.entry("DefaultInferenceService.device", "PRAS"), Map.entry("DefaultInferenceService.predict", "S"),
            // the upload's door check of what its prediction job would refuse (too small, no tissue)
            Map.entry("UploadScreening.refusal", "P"),
            Map.entry("DepartmentPixelSizeService.current", "PRAS"), Map.entry("DepartmentPixelSizeService.set", "A"),
            // models
            Map.entry("ModelEvaluationService.start", "A"), Map.entry("ModelEvaluationService.forModel", "A"),
            Map.entry("ModelEvaluationService.find", "A"),
            Map.entry("ModelRegistryService.all", "PRAS"), Map.entry("ModelRegistryService.find", "PRAS"),
            Map.entry("ModelRegistryService.findVersion", "PRAS"),
            Map.entry("ModelRegistryService.active", "PRAS"), Map.entry("ModelRegistryService.activeModel", "PRAS"),
            Map.entry("ModelRegistryService.model", "PRAS"), Map.entry("ModelRegistryService.addPackage", "A"),
            Map.entry("ModelRegistryService.activate", "A"), Map.entry("ModelRegistryService.retire", "A"),
            Map.entry("ModelRegistryService.changeThreshold", "A"),
            Map.entry("ModelRegistryService.register", "AS"), Map.entry("ModelRegistryService.makeActive", "AS"),
            Map.entry("ModelRegistryService.fileMatches", "AS"),
            Map.entry("ModelRegistryService.addUploaded", "A"), Map.entry("CandidateModels.load", "AS"),
            // review
            Map.entry("ReviewQueueService.queue", "PR"), Map.entry("ReviewQueueService.countQueue", "PR"),
            Map.entry("ReviewQueueService.entry", "PR"), Map.entry("ReviewQueueService.entriesOfCase", "PR"),
            Map.entry("ReviewQueueService.modelNames", "PR"), Map.entry("ReviewQueueService.labels", "PR"),
            Map.entry("ReviewQueueService.reviewsOf", "PR"), Map.entry("ReviewQueueService.reviewsOfCase", "PR"),
            Map.entry("ReviewSigningService.sign", "R"),
            Map.entry("NotAssessableService.markNotAssessable", "R"),
            Map.entry("NotAssessableService.notAssessableOfCase", "PR"),
            // case finalization: the responsible pathologist signs; reviewers see what is open
            Map.entry("CaseFinalizationService.finalizationCheck", "PR"),
            Map.entry("CaseFinalizationService.readyForFinalization", "PR"),
            Map.entry("CaseFinalizationService.finalizeCase", "P"),
            Map.entry("CaseFinalizationService.amendFinalDiagnosis", "P"),
            Map.entry("CaseFinalizationService.finalDiagnoses", "PR"),
            Map.entry("CaseFinalizationService.finalizationSegregationNote", "PR"),
            Map.entry("CaseFinalizationService.finalDiagnosisLine", "PRA"),
            Map.entry("CaseFinalizationService.finalLabelsByPrediction", "PRA"),
            // signed case reports (made at finalization, a pathologist's act, and at each amendment)
            Map.entry("CaseReportService.versions", "PR"), Map.entry("CaseReportService.download", "PR"),
            Map.entry("CaseReportService.downloadLatest", "PR"), Map.entry("CaseReportService.hasReport", "PR"),
            Map.entry("CaseReportService.generate", "PR"),
            // API tokens (authenticate: before anyone is signed in; recordUse: as the token's caller)
            Map.entry("SystemStatusService.current", "A"),
            Map.entry("ApiTokenService.create", "A"), Map.entry("ApiTokenService.list", "A"),
            Map.entry("ApiTokenService.revoke", "A"), Map.entry("ApiTokenService.authenticate", "NPRAS"),
            Map.entry("ApiTokenService.recordUse", "PRA"),
            Map.entry("LisMessageService.recent", "A"), Map.entry("LisMessageService.ofCase", "A"),
            Map.entry("LisMessageService.resend", "A"),
            // FHIR R4 resources of report versions (read-only; the case read rule decides within)
            Map.entry("FhirReportService.diagnosticReport", "PR"),
            Map.entry("FhirReportService.diagnosticReportsByAccession", "PR"),
            Map.entry("FhirReportService.observation", "PR"), Map.entry("FhirReportService.device", "PR"),
            Map.entry("FhirReportService.documentReference", "PR"), Map.entry("FhirReportService.capabilities", "PR"),
            // audit
            Map.entry("HashChainedAuditService.record", "NPRAS"), Map.entry("HashChainedAuditService.recordForCase", "NPRAS"),
            Map.entry("HashChainedAuditService.recordAs", "NPRAS"), Map.entry("HashChainedAuditService.caseTimeline", "PRA"),
            Map.entry("HashChainedAuditService.recordDetachedAs", "NPRAS"),
            Map.entry("HashChainedAuditService.verifyChain", "RA"), Map.entry("HashChainedAuditService.search", "RA"),
            Map.entry("HashChainedAuditService.count", "RA"), Map.entry("HashChainedAuditService.knownActions", "RA"),
            Map.entry("HashChainedAuditService.exportCsv", "RA"));

    static final Map<Character, String> ROLE_OF = Map.of('P', Roles.PATHOLOGIST, 'R', Roles.REVIEWER,
            'A', Roles.ADMIN, 'S', Roles.SYSTEM);

    @Autowired
    ApplicationContext context;
    @Autowired
    ServletContext servletContext;
    @Autowired
    AccessAnnotationChecker accessChecker;

    record Entry(String name, Object bean, Method method) {
        @Override
        public String toString() {
            return name;
        }
    }

    List<Entry> serviceEntryPoints() {
        List<Entry> entries = new ArrayList<>();
        for (Object bean : context.getBeansWithAnnotation(Service.class).values()) {
            Class<?> type = AopUtils.getTargetClass(bean);
            if (!type.getPackageName().startsWith("org.histoscope")) {
                continue;
            }
            for (Method method : type.getDeclaredMethods()) {
                if (Modifier.isPublic(method.getModifiers()) && !Modifier.isStatic(method.getModifiers())
                        && !method.isSynthetic()) {
                    method.setAccessible(true);
                    entries.add(new Entry(type.getSimpleName() + "." + method.getName(), bean, method));
                }
            }
        }
        return entries;
    }

    Stream<Arguments> serviceCases() {
        return serviceEntryPoints().stream().flatMap(entry -> Stream.of('N', 'P', 'R', 'A', 'S')
                .map(caller -> Arguments.of(entry, caller)));
    }

    @Test
    void theTableCoversEveryServiceEntryPointAndEveryRoute() {
        Set<String> found = serviceEntryPoints().stream().map(Entry::name).collect(Collectors.toCollection(TreeSet::new));
        assertThat(found).as("service methods missing from the matrix").isSubsetOf(SERVICES.keySet());
        assertThat(SERVICES.keySet()).as("matrix rows without a service method").isSubsetOf(found);
        Set<String> routes = routes().stream().map(AccessMatrixTest::template).collect(Collectors.toSet());
        assertThat(routes).as("routes missing from the matrix").isSubsetOf(ROUTES.keySet());
        assertThat(ROUTES.keySet()).isSubsetOf(routes);
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("serviceCases")
    void eachServiceEntryPointAdmitsExactlyItsRoles(Entry entry, char caller) {
        boolean expected = SERVICES.getOrDefault(entry.name(), "").indexOf(caller) >= 0;
        String username = "matrix-" + caller;
        Supplier<Boolean> call = () -> admitted(entry, username);
        boolean admitted = caller == 'N' ? call.get()
                : TestAccounts.runAs(username, Set.of(ROLE_OF.get(caller)), call);
        assertThat(admitted).as("%s called by %s", entry.name(), caller).isEqualTo(expected);
    }

    Stream<Arguments> routeCases() {
        return routes().stream().flatMap(route -> Stream.of('N', 'P', 'R', 'A').map(caller -> Arguments.of(
                template(route), route.getNavigationTarget(), caller)));
    }

    @ParameterizedTest(name = "/{0} as {2}")
    @MethodSource("routeCases")
    void eachRouteAdmitsExactlyItsRoles(String template, Class<?> target, char caller) {
        boolean expected = ROUTES.getOrDefault(template, "").indexOf(caller) >= 0;
        Principal principal = caller == 'N' ? null : () -> "matrix-" + caller;
        boolean admitted = accessChecker.hasAccess(target, principal,
                role -> caller != 'N' && role.equals(ROLE_OF.get(caller)));
        assertThat(admitted).as("/%s for %s", template, caller).isEqualTo(expected);
    }

    /** The route's template without the parameter's type pattern, e.g. "case/:___url_parameter". */
    static String template(RouteData route) {
        return route.getTemplate().replaceAll(":___url_parameter.*", ":___url_parameter");
    }

    private List<RouteData> routes() {
        return ApplicationRouteRegistry.getInstance(new VaadinServletContext(servletContext)).getRegisteredRoutes();
    }

    /** Calls the method through its security proxy with neutral arguments; only a security refusal counts. */
    private static boolean admitted(Entry entry, String username) {
        Object[] args = Arrays.stream(entry.method().getParameterTypes()).map(AccessMatrixTest::neutral).toArray();
        // these methods admit a caller only for their own account or name; pass the caller's own
        if (entry.name().equals("AccountDirectory.verifyPassword")
                || entry.name().equals("UserAccountService.mustChangePassword")) {
            args[0] = username;
        }
        if (entry.name().equals("HashChainedAuditService.recordAs")
                || entry.name().equals("HashChainedAuditService.recordDetachedAs")) {
            args[0] = username;
        }
        try {
            entry.method().invoke(entry.bean(), args);
            return true;
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            return !(cause instanceof AccessDeniedException || cause instanceof AuthenticationCredentialsNotFoundException);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object neutral(Class<?> type) {
        if (type == long.class) {
            return -1L;
        }
        if (type == int.class) {
            return 1;
        }
        if (type == double.class) {
            return 0.5;
        }
        if (type == boolean.class) {
            return false;
        }
        return null;
    }
}
