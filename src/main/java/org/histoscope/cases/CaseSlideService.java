package org.histoscope.cases;

import jakarta.annotation.security.RolesAllowed;
import java.util.Map;
import java.util.Optional;
import org.histoscope.audit.AuditService;
import org.histoscope.security.CurrentUser;
import org.histoscope.security.Roles;
import org.histoscope.viewer.DeepZoomLayout;
import org.histoscope.viewer.DeepZoomTiler;
import org.histoscope.cases.internal.CaseAccessPolicy;
import org.histoscope.cases.internal.CaseAuditAction;
import org.histoscope.cases.internal.CaseImage;
import org.histoscope.cases.internal.CaseImageRepository;
import org.histoscope.cases.internal.OriginalStore;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Deep-zoom access to a case's stored originals for the users who may read the case (CaseAccessPolicy: a reviewer
 * not before the case has results). Opening the viewer (fetching the DZI descriptor, which OpenSeadragon does once
 * per opening) is audited; the hundreds of tile requests that follow are not, so the audit log records who looked at
 * which slide without drowning in tiles.
 */
@Service
@RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER})
public class CaseSlideService {

    private static final String IMAGE = "case_image";

    private final CaseImageRepository images;
    private final OriginalStore store;
    private final DeepZoomTiler tiler;
    private final AuditService audit;
    private final CurrentUser currentUser;
    private final CaseAccessPolicy access;

    CaseSlideService(CaseImageRepository images, OriginalStore store, DeepZoomTiler tiler, AuditService audit,
                     CurrentUser currentUser, CaseAccessPolicy access) {
        this.access = access;
        this.images = images;
        this.store = store;
        this.tiler = tiler;
        this.audit = audit;
        this.currentUser = currentUser;
    }

    /** The DZI descriptor of the image, recording that the user opened it; empty for an unknown image. */
    @Transactional
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER})
    public Optional<String> openViewer(long imageId) {
        Optional<CaseImage> image = images.findById(imageId);
        if (image.isEmpty()) {
            return Optional.empty();
        }
        CaseImage found = image.get();
        access.requireReadable(found.getCaseId());
        DeepZoomLayout layout = tiler.layout(store.pathOf(found.getSha256()));
        audit.recordForCase(CaseAuditAction.SLIDE_VIEWER_OPENED, IMAGE, String.valueOf(imageId), found.getCaseId(),
                Map.of("fileName", found.getOriginalFilename(), "viewer", currentUser.usernameOrSystem()));
        return Optional.of(layout.descriptorXml());
    }

    /** One JPEG tile of the image; empty for an unknown image or a tile outside it; refused for an unreadable case. */
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER})
    public Optional<byte[]> tile(long imageId, int level, int column, int row) {
        return images.findById(imageId).flatMap(image -> {
            access.requireReadable(image.getCaseId());
            return tiler.tile(store.pathOf(image.getSha256()), image.getSha256(), level, column, row);
        });
    }
}
