package org.histoscope.testsupport;

import org.histoscope.audit.AuditService;
import org.histoscope.inference.InferenceService;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;

/**
 * Base of the tests that need to hold a job or a signature at a precise moment: the real inference and audit
 * services, spied so that a test can pause them. Subclasses share one application context.
 */
@SpringBootTest
public abstract class SpiedJobContext {

    @MockitoSpyBean
    protected InferenceService inference;
    @MockitoSpyBean
    protected AuditService audit;
}
