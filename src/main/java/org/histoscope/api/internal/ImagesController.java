package org.histoscope.api.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import org.histoscope.cases.CaseImageService;
import org.histoscope.cases.CaseService;
import org.histoscope.cases.ImageSummary;
import org.histoscope.cases.StorageProperties;
import org.histoscope.cases.UploadOutcome;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.histoscope.cases.StatedPixelSize;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * Uploads go through the same service as the UI's upload: streamed to disk, size-limited, hashed, checked for a
 * duplicate in the case and inspected as an image before anything is stored, with one prediction job each.
 */
@RestController
@Tag(name = "Images")
class ImagesController {

    private final CaseImageService images;
    private final CaseService cases;
    private final StorageProperties storage;

    ImagesController(CaseImageService images, CaseService cases, StorageProperties storage) {
        this.images = images;
        this.cases = cases;
        this.storage = storage;
    }

    @PostMapping(path = "/api/v1/cases/{caseId}/images", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @Operation(summary = "Upload one image (multipart part 'file', or the raw body with ?fileName=)",
            description = "TIFF, PNG, JPEG or BMP, recognised by content. 201: stored and a prediction queued; "
                    + "200: identical to an image already in the case (nothing stored again); 422: not accepted "
                    + "(reason in detail), also when the image is smaller than one model patch at the model's "
                    + "resolution; 413: larger than the upload limit; 400: a bad micronsPerPixel or objective. "
                    + "A file's own pixel size (TIFF/SVS/OME tags) wins over a stated one.")
    ResponseEntity<UploadResponse> uploadMultipart(@PathVariable long caseId, @RequestPart("file") MultipartFile file,
                                                   @Parameter(description = MICRONS_PER_PIXEL)
                                                   @RequestParam(required = false) Double micronsPerPixel,
                                                   @Parameter(description = OBJECTIVE)
                                                   @RequestParam(required = false) Double objective)
            throws IOException {
        requireCase(caseId);
        StatedPixelSize stated = stated(micronsPerPixel, objective);
        try (InputStream content = file.getInputStream()) {
            return respond(images.upload(caseId, file.getOriginalFilename(), content, stated));
        }
    }

    static final String MICRONS_PER_PIXEL = "the image's pixel size in µm/px (0.05-50) for a file that states none, "
            + "e.g. 0.25 for a 40x scan; the image is resampled to the model's resolution before analysis";
    static final String OBJECTIVE = "instead of micronsPerPixel: the objective magnification (1-100), taken as "
            + "0.25 µm/px at 40x";

    /** The stated pixel size, or null when neither was sent; a bad value is a 400 with a message for people. */
    static StatedPixelSize stated(Double micronsPerPixel, Double objective) {
        if (micronsPerPixel != null && objective != null) {
            throw badPixelSize("Send micronsPerPixel or objective, not both.");
        }
        try {
            return micronsPerPixel != null ? StatedPixelSize.micronsPerPixel(micronsPerPixel)
                    : objective != null ? StatedPixelSize.objective(objective) : null;
        } catch (IllegalArgumentException e) {
            throw badPixelSize(e.getMessage());
        }
    }

    private static org.springframework.web.ErrorResponseException badPixelSize(String detail) {
        return new org.springframework.web.ErrorResponseException(org.springframework.http.HttpStatus.BAD_REQUEST,
                ApiProblems.problem(org.springframework.http.HttpStatus.BAD_REQUEST, "bad-pixel-size",
                        "Bad pixel size", detail), null);
    }

    @PostMapping(path = "/api/v1/cases/{caseId}/images",
            consumes = {MediaType.APPLICATION_OCTET_STREAM_VALUE, "image/*"})
    ResponseEntity<UploadResponse> uploadRaw(@PathVariable long caseId,
                                             @Parameter(description = "the original file name, for people to recognise it")
                                             @RequestParam(required = false) String fileName,
                                             @Parameter(description = MICRONS_PER_PIXEL)
                                             @RequestParam(required = false) Double micronsPerPixel,
                                             @Parameter(description = OBJECTIVE)
                                             @RequestParam(required = false) Double objective,
                                             HttpServletRequest request) throws IOException {
        requireCase(caseId);
        StatedPixelSize stated = stated(micronsPerPixel, objective);
        long declared = request.getContentLengthLong();
        if (declared > storage.maxUploadSize().toBytes()) {
            throw tooLarge();
        }
        try (CountingInputStream content = new CountingInputStream(request.getInputStream())) {
            UploadOutcome outcome = images.upload(caseId, fileName, content, stated);
            if (outcome.result() == UploadOutcome.Result.REJECTED && content.count() > storage.maxUploadSize().toBytes()) {
                throw tooLarge();
            }
            return respond(outcome);
        }
    }

    /** Counts what was read, to tell an oversize body without a Content-Length from other rejections. */
    private static final class CountingInputStream extends java.io.FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        long count() {
            return count;
        }
    }

    @GetMapping("/api/v1/cases/{caseId}/images")
    @Operation(summary = "List the images of a case, oldest first")
    List<ImageSummary> list(@PathVariable long caseId) {
        requireCase(caseId);
        return images.imagesOfCase(caseId);
    }

    @GetMapping("/api/v1/images/{imageId}")
    @Operation(summary = "Read an image's facts (format, size, sha256, who uploaded it)")
    ImageSummary get(@PathVariable long imageId) {
        return images.findImage(imageId).orElseThrow(() -> ApiException.notFound("Image " + imageId));
    }

    private void requireCase(long caseId) {
        cases.findCase(caseId).orElseThrow(() -> ApiException.notFound("Case " + caseId));
    }

    private ApiException tooLarge() {
        return new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, "too-large", "Upload too large",
                "The upload is larger than the limit of " + storage.maxUploadSize().toMegabytes() + " MB.");
    }

    private ResponseEntity<UploadResponse> respond(UploadOutcome outcome) {
        return switch (outcome.result()) {
            case STORED -> ResponseEntity.created(URI.create("/api/v1/images/" + outcome.image().id()))
                    .body(UploadResponse.of(outcome));
            case DUPLICATE -> ResponseEntity.ok().location(URI.create("/api/v1/images/" + outcome.image().id()))
                    .body(UploadResponse.of(outcome));
            case REJECTED -> throw new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, "image-rejected",
                    "Image not accepted", outcome.message());
        };
    }
}
