package org.histoscope.cases;

import java.nio.file.Path;

/** Decides whether an uploaded file is an image Histoscope can read, and describes it. */
interface ImageCheck {

    InspectedImage inspect(Path file) throws RejectedImageException;

    record InspectedImage(String format, int width, int height, String resolution) {
    }

    /** The file is not a usable image; the message is written for the user. */
    class RejectedImageException extends Exception {
        RejectedImageException(String message) {
            super(message);
        }
    }
}
