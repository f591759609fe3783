package org.histoscope.cases.internal;

import org.histoscope.images.ImageRejectedException;
import org.histoscope.cases.CaseSlideService;
import org.springframework.http.CacheControl;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Deep Zoom endpoints of the signed-in UI (session cookie, not the token-based /api/v1): the DZI descriptor and its
 * tiles. Patient images must not land in shared or browser caches, hence {@code private, no-store}; repeated tiles
 * come from the server's own tile cache instead.
 */
@RestController
public class SlideTileController {

    static final String BASE = "/slides/";
    private static final CacheControl PRIVATE_NO_STORE = CacheControl.noStore().cachePrivate();

    private final CaseSlideService slides;

    SlideTileController(CaseSlideService slides) {
        this.slides = slides;
    }

    @GetMapping(BASE + "{imageId:\\d+}.dzi")
    ResponseEntity<String> descriptor(@PathVariable long imageId) {
        return slides.openViewer(imageId)
                .map(xml -> ResponseEntity.ok().cacheControl(PRIVATE_NO_STORE)
                        .contentType(MediaType.APPLICATION_XML).body(xml))
                .orElseGet(() -> ResponseEntity.notFound().build());
    }

    @GetMapping(BASE + "{imageId:\\d+}_files/{level:\\d+}/{column:\\d+}_{row:\\d+}.jpg")
    ResponseEntity<byte[]> tile(@PathVariable long imageId, @PathVariable int level, @PathVariable int column,
                                @PathVariable int row) {
        return slides.tile(imageId, level, column, row)
                .map(jpeg -> ResponseEntity.ok().cacheControl(PRIVATE_NO_STORE).contentType(MediaType.IMAGE_JPEG)
                        .header(HttpHeaders.VARY, HttpHeaders.COOKIE).body(jpeg))
                .orElseGet(() -> ResponseEntity.notFound().cacheControl(PRIVATE_NO_STORE).build());
    }

    /**
     * An image the user may not see is answered like one that does not exist, so the endpoint does not tell which
     * ids exist in other cases (no existence oracle); the refusal itself is still logged by method security.
     */
    @ExceptionHandler(AccessDeniedException.class)
    ResponseEntity<Void> notVisible(AccessDeniedException e) {
        return ResponseEntity.notFound().cacheControl(PRIVATE_NO_STORE).build();
    }

    /** A damaged or refused original: the viewer shows a broken tile, the user gets the reason from the result view. */
    @ExceptionHandler(ImageRejectedException.class)
    ResponseEntity<String> rejected(ImageRejectedException e) {
        return ResponseEntity.status(HttpStatus.UNPROCESSABLE_ENTITY).cacheControl(PRIVATE_NO_STORE)
                .contentType(MediaType.TEXT_PLAIN).body(e.userMessage());
    }

    public static String descriptorUrl(long imageId) {
        return BASE + imageId + ".dzi";
    }
}
