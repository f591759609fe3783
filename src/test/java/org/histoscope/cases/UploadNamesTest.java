package org.histoscope.cases;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Client-supplied file names are shown as they really read: no path, no control or invisible format characters. */
class UploadNamesTest {

    @Test
    void bidiOverridesAndOtherFormatCharactersAreStripped() {
        // U+202E makes "fdp.tif" display as "fit.pdf"
        assertThat(CaseImageService.safeName("ünïcödé \u202Efdp.tif")).isEqualTo("ünïcödé fdp.tif");
        assertThat(CaseImageService.safeName("a\u2066b\u2067c\u2068d\u2069e\u202Af\u202Bg\u202Ch\u202Di.png"))
                .isEqualTo("abcdefghi.png");
        assertThat(CaseImageService.safeName("zero\u200Bwidth\u200D\u200E\u200F\u061C\uFEFF.jpg"))
                .isEqualTo("zerowidth.jpg");
        assertThat(CaseImageService.safeName("line\u2028break\u2029.bmp")).isEqualTo("linebreak.bmp");
        assertThat(CaseImageService.safeName("C:\\slides\\..\\\u202E\u0000x.tif")).isEqualTo("x.tif");
        assertThat(CaseImageService.safeName("\u202E\u200B")).isEqualTo("unnamed");
    }

    @Test
    void ordinaryUnicodeIsKeptAndComposed() {
        assertThat(CaseImageService.safeName("Schnitt-Übersicht 東京 ñ.tif")).isEqualTo("Schnitt-Übersicht 東京 ñ.tif");
        assertThat(CaseImageService.safeName("Cafe\u0301.png")).isEqualTo("Café.png");
    }
}
