package org.histoscope.review.internal;

import org.histoscope.cases.CaseImageService;
import org.histoscope.cases.CaseService;
import org.histoscope.inference.PredictionService;
import org.histoscope.security.CurrentUser;
import org.histoscope.users.UserDirectory;
import org.histoscope.review.CaseFinalizationService;
import org.histoscope.review.NotAssessableService;
import org.histoscope.review.ReviewQueueService;

/** The services the finalization page's parts call, handed down together. */
public record FinalizationParts(CaseFinalizationService finalization, ReviewQueueService reviews,
                         NotAssessableService notAssessable, CaseService cases, CaseImageService images,
                         PredictionService predictions, UserDirectory users, CurrentUser currentUser) {
}
