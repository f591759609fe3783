package org.histoscope.reports.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType0Font;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;

/**
 * A top-to-bottom writer on A4 pages: wrapped paragraphs, headings and image rows, a new page when one is full.
 * Text is set in embedded DejaVu Sans so that any name (accents, Greek, Cyrillic) prints as entered.
 */
final class PdfLayout implements AutoCloseable {

    static final float MARGIN = 50;
    private static final PDRectangle PAGE = PDRectangle.A4;
    private static final float WIDTH = PAGE.getWidth() - 2 * MARGIN;

    private final PDDocument document;
    private final PDType0Font regular;
    private final PDType0Font bold;
    private final String footer;
    private final List<PDPage> pages = new ArrayList<>();
    private PDPageContentStream content;
    private float y;

    PdfLayout(PDDocument document, String footer) throws IOException {
        this.document = document;
        this.footer = footer;
        this.regular = font("DejaVuSans.ttf");
        this.bold = font("DejaVuSans-Bold.ttf");
        newPage();
    }

    private PDType0Font font(String file) throws IOException {
        try (InputStream in = PdfLayout.class.getResourceAsStream("/reports/fonts/" + file)) {
            if (in == null) {
                throw new IOException("font " + file + " is missing from the application");
            }
            return PDType0Font.load(document, in);
        }
    }

    void heading(String text, float size) throws IOException {
        space(size * 0.6f);
        paragraph(text, bold, size);
        space(size * 0.2f);
    }

    void text(String text) throws IOException {
        paragraph(text, regular, 10);
    }

    void field(String label, String value) throws IOException {
        paragraph(label + ": " + (value == null || value.isBlank() ? "—" : value), regular, 10);
    }

    void space(float points) throws IOException {
        ensure(points);
        y -= points;
    }

    /** Images side by side, each scaled to fit a box of {@code box} points, with a caption under each. */
    void imageRow(List<byte[]> pngs, List<String> captions, float box) throws IOException {
        ensure(box + 16);
        float x = MARGIN;
        for (int i = 0; i < pngs.size(); i++) {
            PDImageXObject image = PDImageXObject.createFromByteArray(document, pngs.get(i), captions.get(i));
            float scale = Math.min(box / image.getWidth(), box / image.getHeight());
            float w = image.getWidth() * scale;
            float h = image.getHeight() * scale;
            content.drawImage(image, x, y - h, w, h);
            write(captions.get(i), regular, 8, x, y - box - 10);
            x += box + 20;
        }
        y -= box + 18;
    }

    /** A colour scale: the bar {@code width} points wide, the labels under its left and right ends. */
    void scale(byte[] png, float width, String left, String right, String caption) throws IOException {
        ensure(40);
        PDImageXObject bar = PDImageXObject.createFromByteArray(document, png, "scale");
        content.drawImage(bar, MARGIN, y - 12, width, 12);
        write(left, regular, 8, MARGIN, y - 22);
        write(right, regular, 8, MARGIN + width - regular.getStringWidth(printable(right)) / 1000 * 8, y - 22);
        y -= 24;
        paragraph(caption, regular, 8);
        y -= 4;
    }

    private void paragraph(String text, PDType0Font font, float size) throws IOException {
        for (String line : wrap(printable(text), font, size)) {
            ensure(size * 1.4f);
            y -= size * 1.4f;
            write(line, font, size, MARGIN, y);
        }
    }

    private void write(String line, PDType0Font font, float size, float x, float atY) throws IOException {
        content.beginText();
        content.setFont(font, size);
        content.newLineAtOffset(x, atY);
        content.showText(line);
        content.endText();
    }

    private List<String> wrap(String text, PDType0Font font, float size) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String source : text.split("\n", -1)) {
            StringBuilder line = new StringBuilder();
            for (String word : source.split(" ")) {
                String candidate = line.isEmpty() ? word : line + " " + word;
                if (font.getStringWidth(candidate) / 1000 * size <= WIDTH || line.isEmpty()) {
                    line.setLength(0);
                    line.append(candidate);
                } else {
                    lines.add(line.toString());
                    line.setLength(0);
                    line.append(word);
                }
            }
            lines.add(line.toString());
        }
        return lines;
    }

    /** Characters the embedded font cannot show (control characters, unassigned glyphs) become '?'. */
    private String printable(String text) throws IOException {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            i += Character.charCount(codePoint);
            if (codePoint == '\n') {
                out.append('\n');
            } else if (Character.isISOControl(codePoint)) {
                out.append(' ');
            } else if (encodable(codePoint)) {
                out.appendCodePoint(codePoint);
            } else {
                out.append('?');
            }
        }
        return out.toString();
    }

    private boolean encodable(int codePoint) {
        String character = new String(Character.toChars(codePoint));
        try {
            regular.encode(character);
            bold.encode(character);
            return true;
        } catch (IllegalArgumentException | IOException e) {
            return false;
        }
    }

    private void ensure(float height) throws IOException {
        if (y - height < MARGIN + 20) {
            newPage();
        }
    }

    private void newPage() throws IOException {
        if (content != null) {
            content.close();
        }
        PDPage page = new PDPage(PAGE);
        document.addPage(page);
        pages.add(page);
        content = new PDPageContentStream(document, page);
        y = PAGE.getHeight() - MARGIN;
    }

    @Override
    public void close() throws IOException {
        content.close();
        for (int i = 0; i < pages.size(); i++) {
            try (PDPageContentStream stream = new PDPageContentStream(document, pages.get(i),
                    PDPageContentStream.AppendMode.APPEND, true)) {
                stream.beginText();
                stream.setFont(regular, 7);
                stream.newLineAtOffset(MARGIN, MARGIN - 20);
                stream.showText(printable(footer) + "   ·   page " + (i + 1) + " of " + pages.size());
                stream.endText();
            }
        }
    }
}
