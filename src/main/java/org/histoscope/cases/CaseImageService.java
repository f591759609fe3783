package org.histoscope.cases;

import org.histoscope.platform.PeopleText;
import java.time.Clock;
import jakarta.annotation.security.RolesAllowed;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.histoscope.inference.UploadScreening;
import org.histoscope.audit.AuditService;
import org.histoscope.images.ImageInfo;
import org.histoscope.images.ImageInspector;
import org.histoscope.images.ImageRejectedException;
import org.histoscope.inference.PredictionMode;
import org.histoscope.inference.PredictionRequest;
import org.histoscope.security.CurrentUser;
import org.histoscope.security.Roles;
import org.histoscope.cases.internal.CaseAccessPolicy;
import org.histoscope.cases.internal.CaseAuditAction;
import org.histoscope.cases.internal.CaseImage;
import org.histoscope.cases.internal.CaseImageRepository;
import org.histoscope.cases.internal.OriginalStore;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Uploads to a case: the file streams to disk (never whole in memory), is size-checked, hashed, checked for a
 * duplicate within the case and inspected as an image; only then are the original, its row and its one
 * prediction job stored, together. A rejected or duplicate file leaves nothing behind but an audit event.
 */
@Service
@RolesAllowed(Roles.PATHOLOGIST)
public class CaseImageService {

    private static final String IMAGE = "case_image";

    private final CaseImageRepository images;
    private final CaseService caseService;
    private final PredictionJobService jobService;
    private final OriginalStore store;
    private final ImageInspector inspector;
    private final StorageProperties storage;
    private final AuditService audit;
    private final CurrentUser currentUser;
    private final TransactionTemplate transaction;
    private final CaseAccessPolicy access;
    private final UploadScreening screening;

    private final Clock clock;
    private DepartmentPixelSizeService departmentPixelSize;

    /** Set after construction so that the upload's constructor stays as other features build on it. */
    @org.springframework.beans.factory.annotation.Autowired
    void useDepartmentPixelSize(DepartmentPixelSizeService departmentPixelSize) {
        this.departmentPixelSize = departmentPixelSize;
    }

    CaseImageService(CaseImageRepository images, CaseService caseService, PredictionJobService jobService,
                     OriginalStore store, ImageInspector inspector, StorageProperties storage, AuditService audit,
                     CurrentUser currentUser, PlatformTransactionManager txManager, CaseAccessPolicy access, Clock clock,
                     UploadScreening screening) {
        this.clock = clock;
        this.screening = screening;
        this.access = access;
        this.images = images;
        this.caseService = caseService;
        this.jobService = jobService;
        this.store = store;
        this.inspector = inspector;
        this.storage = storage;
        this.audit = audit;
        this.currentUser = currentUser;
        this.transaction = new TransactionTemplate(txManager);
    }

    /** Streams, checks and stores one uploaded file. Never throws for bad input; the outcome says what happened. */
    @RolesAllowed(Roles.PATHOLOGIST)
    public UploadOutcome upload(long caseId, String fileName, InputStream content) throws IOException {
        return upload(caseId, fileName, content, null);
    }

    /**
     * As {@link #upload(long, String, InputStream)}, with the pixel size the pathologist stated for files that carry
     * none; a file's own pixel size (SVS, OME-XML, resolution tags) always wins over the stated one.
     *
     * @param stated null when nothing was stated
     */
    @RolesAllowed(Roles.PATHOLOGIST)
    public UploadOutcome upload(long caseId, String fileName, InputStream content, StatedPixelSize stated)
            throws IOException {
        String name = safeName(fileName);
        CaseStatus status = transaction.execute(tx -> access.requireModifiable(caseId).getStatus());
        if (status == CaseStatus.SIGNED_OUT) {
            return reject(caseId, name, PeopleText.of("refusal.cases.upload-case-finalized"));
        }
        OriginalStore.Received received;
        try {
            received = store.receive(content, storage.maxUploadSize().toBytes());
        } catch (OriginalStore.UploadTooLargeException e) {
            return reject(caseId, name, PeopleText.of("refusal.cases.upload-too-large", e.maxMegabytes()));
        }
        try {
            Optional<ImageSummary> existing = findInCase(caseId, received.sha256());
            if (existing.isPresent()) {
                return duplicate(caseId, name, existing.get());
            }
            if (received.size() == 0) {
                return reject(caseId, name, PeopleText.of("refusal.cases.upload-file-empty"));
            }
            ImageInfo inspected;
            try {
                inspected = inspector.inspectAndProbe(received.tempFile());
                // the refusals a prediction job would reach (too small at the model's resolution, no tissue) are
                // given here, before storing, with the request the job will make
                Optional<PeopleText> unanalysable = screening.refusal(received.tempFile(), inspected,
                        requestOfTheJob(inspected, stated));
                if (unanalysable.isPresent()) {
                    return reject(caseId, name, unanalysable.get());
                }
            } catch (ImageRejectedException e) {
                return reject(caseId, name, e.text());
            }
            return store(caseId, name, received, inspected, stated);
        } finally {
            store.discard(received);
        }
    }

    private UploadOutcome store(long caseId, String name, OriginalStore.Received received,
                                ImageInfo inspected, StatedPixelSize stated) {
        boolean useStated = stated != null && inspected.micronsPerPixel().isEmpty();
        try {
            UploadOutcome outcome = transaction.execute(tx -> {
                // the case's lock first, the audit chain's after, in the order a finishing prediction job takes
                // them: the other way round (audit event, then the enqueue's case lock) the two deadlock. Held to
                // the commit, it also keeps a sign-out from starting between this check and the job's insert.
                if (caseService.lockedStatusOf(caseId) == CaseStatus.SIGNED_OUT) {
                    return null; // signed out since the check at the upload's start: nothing is stored
                }
                CaseImage unsaved = new CaseImage(caseId, name, received.sha256(), received.size(),
                        inspected.format().name(), inspected.width(), inspected.height(),
                        useStated ? statedResolution(stated) : resolutionOf(inspected),
                        currentUser.usernameOrSystem(), clock.instant());
                if (useStated) {
                    unsaved.stateMicronsPerPixel(stated.micronsPerPixel());
                }
                CaseImage image = images.saveAndFlush(unsaved);
                store.accept(received);
                audit.recordForCase(CaseAuditAction.IMAGE_UPLOADED, IMAGE, image.getId().toString(), caseId,
                        Map.of("fileName", name, "sha256", received.sha256(), "bytes", received.size(),
                                "format", inspected.format().name(), "width", inspected.width(), "height", inspected.height()));
                JobSummary job = jobService.enqueueForUploadUnderCaseLock(image);
                return UploadOutcome.stored(image.toSummary(), job);
            });
            return outcome != null ? outcome
                    : reject(caseId, name, PeopleText.of("refusal.cases.upload-case-finalized"));
        } catch (DataIntegrityViolationException e) {
            // the same file arrived twice at the same moment; the other upload won
            return findInCase(caseId, received.sha256()).map(existing -> duplicate(caseId, name, existing))
                    .orElseThrow(() -> e);
        }
    }

    @Transactional(readOnly = true)
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN})
    public List<ImageSummary> imagesOfCase(long caseId) {
        access.requireReadable(caseId);
        return images.findByCaseIdOrderByUploadedAtAscIdAsc(caseId).stream().map(CaseImage::toSummary).toList();
    }

    @Transactional(readOnly = true)
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN})
    public Optional<ImageSummary> findImage(long imageId) {
        return images.findById(imageId).filter(image -> access.mayRead(image.getCaseId())).map(CaseImage::toSummary);
    }

    /** A PNG preview of the original whose longer side is at most {@code maxSide}, decoded with subsampling. */
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN})
    public byte[] previewPng(long imageId, int maxSide) {
        return inspector.previewPng(originalPath(imageId), maxSide);
    }

    /** Where originals are kept and how much room is left there, for the administrators' status view. */
    @Transactional(readOnly = true)
    @RolesAllowed(Roles.ADMIN)
    public StorageStatus storageStatus() {
        Path root = store.root();
        try {
            var fileStore = Files.getFileStore(root);
            return new StorageStatus(root.toString(), fileStore.getUsableSpace(), fileStore.getTotalSpace(), images.count());
        } catch (IOException e) {
            return new StorageStatus(root.toString(), -1, -1, images.count());
        }
    }

    /** @param freeBytes -1 when the file system cannot be read */
    public record StorageStatus(String directory, long freeBytes, long totalBytes, long storedImages) {
    }

    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN})
    Path originalPath(long imageId) {
        return store.pathOf(readableImage(imageId).getSha256());
    }

    private CaseImage readableImage(long imageId) {
        CaseImage image = transaction.execute(tx -> images.findById(imageId).orElse(null));
        if (image == null) {
            throw new CaseRuleException(PeopleText.of("refusal.cases.image-longer-exists"));
        }
        access.requireReadable(image.getCaseId());
        return image;
    }

    private Optional<ImageSummary> findInCase(long caseId, String sha256) {
        return transaction.execute(tx -> images.findByCaseIdAndSha256(caseId, sha256).map(CaseImage::toSummary));
    }

    private UploadOutcome duplicate(long caseId, String name, ImageSummary existing) {
        transaction.executeWithoutResult(tx -> audit.recordForCase(CaseAuditAction.IMAGE_DUPLICATE_FLAGGED, IMAGE,
                String.valueOf(existing.id()), caseId, Map.of("fileName", name, "sha256", existing.sha256())));
        return UploadOutcome.duplicate(name, existing);
    }

    private UploadOutcome reject(long caseId, String name, PeopleText reason) {
        transaction.executeWithoutResult(tx -> audit.recordForCase(CaseAuditAction.IMAGE_REJECTED, IMAGE, name, caseId,
                Map.of("fileName", name, "reason", reason.english())));
        return UploadOutcome.rejected(name, reason);
    }

    /**
     * The prediction request the upload's job will make: the stated magnification, else the department's default
     * pixel size (read only when the file has no pixel size of its own, which always wins).
     */
    private PredictionRequest requestOfTheJob(ImageInfo inspected, StatedPixelSize stated) {
        PredictionRequest request = new PredictionRequest(PredictionMode.AUTO,
                stated != null ? stated.magnification() : null, null);
        if (stated != null || inspected.micronsPerPixel().isPresent()) {
            return request;
        }
        return departmentPixelSize.current().map(d -> request.withDepartmentDefault(d.micronsPerPixel())).orElse(request);
    }

    private static String statedResolution(StatedPixelSize stated) {
        return String.format(java.util.Locale.ROOT, "%.4f µm/px (stated: %s)", stated.micronsPerPixel(), stated.label());
    }

    private static String resolutionOf(ImageInfo info) {
        return info.micronsPerPixel().isPresent()
                ? String.format(java.util.Locale.ROOT, "%.4f µm/px", info.micronsPerPixel().getAsDouble())
                : null;
    }

    /**
     * Keeps only the last path segment of a client-supplied name, without control characters and without invisible
     * format characters: bidirectional overrides (U+202E shows {@code fdp.tif} as {@code fit.pdf}), isolates,
     * zero-width characters, line separators, lone surrogates and unassigned code points.
     */
    public static String safeName(String fileName) {
        String name = fileName == null ? "" : fileName.replace('\\', '/');
        name = java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFC);
        name = name.substring(name.lastIndexOf('/') + 1).replaceAll("[\\p{Cc}\\p{Cf}\\p{Cs}\\p{Cn}\\p{Zl}\\p{Zp}]", "")
                .strip();
        if (name.isEmpty()) {
            name = "unnamed";
        }
        return name.length() > 255 ? name.substring(name.length() - 255) : name;
    }
}
