package org.histoscope.api.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.histoscope.cases.CaseService;
import org.histoscope.review.ReviewQueueService;
import org.histoscope.review.SignedReview;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Read only: an electronic signature needs the signer's password (21 CFR 11.200), so signing stays in the UI. */
@RestController
@Tag(name = "Reviews")
class ReviewsController {

    private final ReviewQueueService reviews;
    private final CaseService cases;

    ReviewsController(ReviewQueueService reviews, CaseService cases) {
        this.reviews = reviews;
        this.cases = cases;
    }

    @GetMapping("/api/v1/cases/{caseId}/reviews")
    @Operation(summary = "The signed reviews of a case (final diagnosis, signer's printed name, UTC time, meaning), "
            + "amendments included, oldest first")
    List<SignedReview> ofCase(@PathVariable long caseId) {
        cases.findCase(caseId).orElseThrow(() -> ApiException.notFound("Case " + caseId));
        return reviews.reviewsOfCase(caseId);
    }
}
