package org.histoscope.images;

/** Image container formats Histoscope accepts. Always recognised by magic bytes, never by file name. */
public enum ImageFormat {
    TIFF("image/tiff"),
    PNG("image/png"),
    JPEG("image/jpeg"),
    BMP("image/bmp");

    private final String mimeType;

    ImageFormat(String mimeType) {
        this.mimeType = mimeType;
    }

    public String mimeType() {
        return mimeType;
    }
}
