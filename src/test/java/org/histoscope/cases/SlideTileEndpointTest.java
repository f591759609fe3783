package org.histoscope.cases;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import javax.imageio.ImageIO;
import org.histoscope.images.RegionReader;
import org.histoscope.images.SafeImageInspector;
import org.histoscope.images.SlideLevel;
import org.histoscope.security.Roles;
import org.histoscope.testsupport.ActingAs;
import org.histoscope.testsupport.FormLoginClient;
import org.histoscope.testsupport.TestAccounts;
import org.histoscope.users.UserAccountService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The deep-zoom endpoints over HTTP with real sessions: tiles at several levels equal a direct read of the same
 * region of the original (from the file's own pyramid level, or subsampled on the fly below it), tiles outside the
 * image are 404, users who may not see cases are refused, nothing may be stored by shared caches, and one viewer
 * opening is one audit event however many tiles follow.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlideTileEndpointTest {

    private static final String PASSWORD = "Deep-Zoom-Into-Tissue-7";

    @LocalServerPort
    int port;
    @Autowired
    UserAccountService accounts;
    @Autowired
    CaseService cases;
    @Autowired
    CaseImageService images;
    @Autowired
    JdbcTemplate jdbc;

    long pyramidId;
    long svsId;
    long caseId;
    long openCaseImageId;

    @BeforeAll
    void uploadSlides() throws Exception {
        TestAccounts.createReadyUser(accounts, "vera", PASSWORD, Roles.PATHOLOGIST);
        TestAccounts.createReadyUser(accounts, "rolf", PASSWORD, Roles.REVIEWER);
        TestAccounts.createReadyUser(accounts, "adele", PASSWORD, Roles.ADMIN);
        caseId = ActingAs.user("vera", () -> {
            PatientSummary patient = cases.createPatient(new PatientForm("MRN-DZ-1", "Zoom Patient",
                    LocalDate.of(1970, 5, 5), Sex.FEMALE));
            return cases.createCase(new CaseForm("DZ-1", patient.id(), "Breast", null, null, null)).id();
        }, Roles.PATHOLOGIST);
        pyramidId = upload(caseId, "pyramid-deflate.tif");
        svsId = upload(caseId, "aperio-j2k-ycbcr-33003.svs");
        // reviewers read a case once it has results; this test has no model, so it stands in for the first result
        jdbc.update("UPDATE patient_case SET status = 'IN_REVIEW' WHERE id = ?", caseId);
        long openCaseId = ActingAs.user("vera", () -> cases.createCase(new CaseForm("DZ-2",
                cases.findCase(caseId).orElseThrow().patient().id(), "Breast", null, null, null)).id(), Roles.PATHOLOGIST);
        // the same stored original in a case that has no result and gets none: an upload would queue a job whose
        // result moves the case into review, and with it into the reviewers' sight, whenever the job happens to end
        openCaseImageId = jdbc.queryForObject("""
                INSERT INTO case_image (case_id, original_filename, sha256, size_bytes, format, width, height,
                                        resolution, uploaded_by, uploaded_at)
                SELECT ?, original_filename, sha256, size_bytes, format, width, height, resolution, uploaded_by,
                       uploaded_at FROM case_image WHERE id = ? RETURNING id""", Long.class, openCaseId, pyramidId);
    }

    @Test
    void tilesMatchDirectRegionReadsAtSeveralLevels() throws Exception {
        FormLoginClient vera = signedIn("vera");
        HttpResponse<String> descriptor = vera.get("/slides/" + pyramidId + ".dzi", "application/xml");
        assertThat(descriptor.statusCode()).isEqualTo(200);
        // OpenSeadragon builds tile URLs as <name>_files/<level>/<column>_<row>.<Format>
        assertThat(descriptor.body()).contains("Format=\"jpg\"", "TileSize=\"256\"", "Overlap=\"0\"",
                "Width=\"768\"", "Height=\"512\"");
        try (RegionReader direct = new SafeImageInspector().open(fixture("pyramid-deflate.tif"))) {
            // 768 px -> DZI level 10 is full resolution; 9 and 8 come from the file's levels; 5 is subsampled below
            assertTileMatches(vera, pyramidId, direct, 10, 1, 1);
            assertTileMatches(vera, pyramidId, direct, 10, 2, 0);
            assertTileMatches(vera, pyramidId, direct, 9, 0, 0);
            assertTileMatches(vera, pyramidId, direct, 9, 1, 0);
            assertTileMatches(vera, pyramidId, direct, 8, 0, 0);
            assertTileMatches(vera, pyramidId, direct, 5, 0, 0);
        }
        vera.get("/slides/" + svsId + ".dzi", "application/xml");
        try (RegionReader direct = new SafeImageInspector().open(fixture("aperio-j2k-ycbcr-33003.svs"))) {
            assertTileMatches(vera, svsId, direct, 10, 1, 1);
            assertTileMatches(vera, svsId, direct, 9, 0, 0);
            assertTileMatches(vera, svsId, direct, 7, 0, 0);
        }
    }

    @Test
    void tilesOutsideTheImageAreNotFound() {
        FormLoginClient vera = signedIn("vera");
        assertThat(vera.getBytes(tile(pyramidId, 10, 3, 0)).statusCode()).isEqualTo(404); // 768 / 256 = 3 columns
        assertThat(vera.getBytes(tile(pyramidId, 10, 0, 2)).statusCode()).isEqualTo(404);
        assertThat(vera.getBytes(tile(pyramidId, 11, 0, 0)).statusCode()).isEqualTo(404);
        assertThat(vera.getBytes(tile(999_999, 10, 0, 0)).statusCode()).isEqualTo(404);
        assertThat(vera.get("/slides/999999.dzi", "application/xml").statusCode()).isEqualTo(404);
    }

    @Test
    void usersWhoMayNotSeeCasesAreRefused() {
        FormLoginClient adele = signedIn("adele");
        assertLikeAMissingImage(adele, pyramidId);
        FormLoginClient anonymous = new FormLoginClient(port);
        HttpResponse<byte[]> anonymousTile = anonymous.getBytes(tile(pyramidId, 10, 0, 0));
        assertThat(anonymousTile.statusCode()).isIn(302, 401);
        assertThat(anonymousTile.body()).isNotEqualTo(signedIn("rolf").getBytes(tile(pyramidId, 10, 0, 0)).body());
        assertThat(signedIn("rolf").getBytes(tile(pyramidId, 10, 0, 0)).statusCode()).isEqualTo(200);
    }

    /** Issue #24: 403 for an existing id and 404 for a missing one told which image ids exist (an oracle). */
    private void assertLikeAMissingImage(FormLoginClient user, long imageId) {
        HttpResponse<byte[]> hidden = user.getBytes(tile(imageId, 10, 0, 0));
        HttpResponse<byte[]> missing = user.getBytes(tile(999_999, 10, 0, 0));
        assertThat(hidden.statusCode()).isEqualTo(404).isEqualTo(missing.statusCode());
        assertThat(hidden.body()).isEqualTo(missing.body());
        HttpResponse<String> hiddenDescriptor = user.get("/slides/" + imageId + ".dzi", "application/xml");
        HttpResponse<String> missingDescriptor = user.get("/slides/999999.dzi", "application/xml");
        assertThat(hiddenDescriptor.statusCode()).isEqualTo(404).isEqualTo(missingDescriptor.statusCode());
        assertThat(hiddenDescriptor.body()).isEqualTo(missingDescriptor.body());
    }

    @Test
    void aReviewerMayNotViewTheSlidesOfACaseWithoutResults() {
        FormLoginClient rolf = signedIn("rolf");
        assertLikeAMissingImage(rolf, openCaseImageId);
        assertThat(signedIn("vera").getBytes(tile(openCaseImageId, 10, 0, 0)).statusCode()).isEqualTo(200);
    }

    @Test
    void tilesAreNotForSharedCachesAndOneOpeningIsOneAuditEvent() {
        FormLoginClient rolf = signedIn("rolf");
        long before = viewerOpenings();
        assertThat(rolf.get("/slides/" + pyramidId + ".dzi", "application/xml").statusCode()).isEqualTo(200);
        for (int column = 0; column < 3; column++) {
            for (int row = 0; row < 2; row++) {
                HttpResponse<byte[]> response = rolf.getBytes(tile(pyramidId, 10, column, row));
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.headers().firstValue("Content-Type")).hasValue("image/jpeg");
                assertThat(response.headers().allValues("Cache-Control")).anySatisfy(value ->
                        assertThat(value).contains("no-store").contains("private"));
            }
        }
        assertThat(viewerOpenings()).isEqualTo(before + 1);
        assertThat(jdbc.queryForObject("SELECT actor FROM audit_event WHERE action = 'SLIDE_VIEWER_OPENED' "
                + "ORDER BY id DESC LIMIT 1", String.class)).isEqualTo("rolf");
    }

    private long viewerOpenings() {
        return jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'SLIDE_VIEWER_OPENED' AND case_id = ?",
                Long.class, caseId);
    }

    /** The served tile against the test's own reading of the same region (mean difference within JPEG's error). */
    private void assertTileMatches(FormLoginClient client, long imageId, RegionReader direct, int level, int column,
                                   int row) throws Exception {
        HttpResponse<byte[]> response = client.getBytes(tile(imageId, level, column, row));
        assertThat(response.statusCode()).as("tile %d/%d_%d", level, column, row).isEqualTo(200);
        BufferedImage served = ImageIO.read(new ByteArrayInputStream(response.body()));
        BufferedImage expected = expectedTile(direct, level, column, row);
        assertThat(served.getWidth()).isEqualTo(expected.getWidth());
        assertThat(served.getHeight()).isEqualTo(expected.getHeight());
        double difference = 0;
        for (int y = 0; y < expected.getHeight(); y++) {
            for (int x = 0; x < expected.getWidth(); x++) {
                int a = served.getRGB(x, y);
                int b = expected.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    difference += Math.abs(((a >> shift) & 0xFF) - ((b >> shift) & 0xFF));
                }
            }
        }
        double mean = difference / (3.0 * expected.getWidth() * expected.getHeight());
        // JPEG's 4:2:0 chroma smears the sharp colour edges of tiny overview tiles more (DeepZoomTilerTest checks the
        // unencoded pixels exactly)
        double tolerance = Math.min(expected.getWidth(), expected.getHeight()) >= 128 ? 2.5 : 12;
        assertThat(mean).as("mean difference of tile %d/%d_%d", level, column, row).isLessThan(tolerance);
    }

    /** DZI level L of a W-px-wide image scales by 2^(ceil(log2 W) - L); read from the file level of that scale. */
    private static BufferedImage expectedTile(RegionReader direct, int level, int column, int row) {
        int width = direct.info().width();
        int height = direct.info().height();
        int maxLevel = 32 - Integer.numberOfLeadingZeros(Math.max(width, height) - 1);
        int scale = 1 << (maxLevel - level);
        SlideLevel source = direct.levels().stream().filter(l -> l.downsample() <= scale)
                .reduce((a, b) -> b.downsample() > a.downsample() ? b : a).orElseThrow();
        int d = (int) source.downsample();
        int step = scale / d;
        int levelWidth = (width + scale - 1) / scale;
        int levelHeight = (height + scale - 1) / scale;
        int tileWidth = Math.min(256, levelWidth - column * 256);
        int tileHeight = Math.min(256, levelHeight - row * 256);
        Rectangle region = new Rectangle(column * 256 * step, row * 256 * step,
                Math.min(tileWidth * step, source.width() - column * 256 * step),
                Math.min(tileHeight * step, source.height() - row * 256 * step));
        return direct.readLevelRegion(source.index(), region, step);
    }

    private static String tile(long imageId, int level, int column, int row) {
        return "/slides/" + imageId + "_files/" + level + "/" + column + "_" + row + ".jpg";
    }

    private FormLoginClient signedIn(String username) {
        FormLoginClient client = new FormLoginClient(port);
        assertThat(FormLoginClient.redirectTarget(client.login(username, PASSWORD))).doesNotContain("error");
        return client;
    }

    private long upload(long caseId, String fixture) throws Exception {
        byte[] bytes = Files.readAllBytes(fixture(fixture));
        return ActingAs.user("vera", () -> {
            try (InputStream in = new ByteArrayInputStream(bytes)) {
                return images.upload(caseId, fixture, in).image().id();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, Roles.PATHOLOGIST);
    }

    private static Path fixture(String name) throws Exception {
        return Path.of(SlideTileEndpointTest.class.getResource("/images/formats/" + name).toURI());
    }
}
