package org.histoscope.images;

/** Image container formats Histoscope accepts. Always recognised by magic bytes, never by file name. */
public enum ImageFormat {
    TIFF,
    PNG,
    JPEG,
    BMP
}
