package org.histoscope.images;

import org.histoscope.platform.PeopleText;
import org.histoscope.platform.WrittenForPeople;

/**
 * An image file Histoscope refuses to process. The message is written for the user (no stack trace, no
 * internals) and the {@link Reason} lets callers react by type. Unchecked so that transactional callers
 * roll back automatically; callers that show messages should catch it explicitly.
 */
public class ImageRejectedException extends RuntimeException implements WrittenForPeople {

    public enum Reason {
        /** Not a TIFF, PNG, JPEG or BMP by its magic bytes (or an unsupported variant of one). */
        UNSUPPORTED_FORMAT,
        /** The file is damaged, truncated or internally inconsistent. */
        CORRUPT,
        /** Empty file. */
        EMPTY,
        /** The file is larger than the configured maximum file size. */
        TOO_LARGE_FILE,
        /** The header declares more pixels than the configured maximum. */
        TOO_MANY_PIXELS,
        /** Zero, negative or absurd dimensions (e.g. one side over the configured maximum side). */
        BAD_DIMENSIONS,
        /** The file could not be read from storage. */
        UNREADABLE,
        /**
         * Decoding would cost more than allowed: it expands far more than real scans do (decompression bomb), it
         * stores pixels in blocks too large to hold in memory, or it would use up the decoding budget of one image.
         */
        TOO_COSTLY_TO_DECODE
    }

    private final Reason reason;
    private final PeopleText text;

    public ImageRejectedException(Reason reason, String userMessage) {
        this(reason, PeopleText.untranslated(userMessage), null);
    }

    public ImageRejectedException(Reason reason, String userMessage, Throwable cause) {
        this(reason, PeopleText.untranslated(userMessage), cause);
    }

    public ImageRejectedException(Reason reason, PeopleText text) {
        this(reason, text, null);
    }

    public ImageRejectedException(Reason reason, PeopleText text, Throwable cause) {
        super(text.english(), cause);
        this.reason = reason;
        this.text = text;
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public PeopleText text() {
        return text;
    }
}
