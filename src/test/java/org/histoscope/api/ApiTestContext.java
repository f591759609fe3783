package org.histoscope.api;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import javax.imageio.ImageIO;
import org.histoscope.security.Roles;
import org.histoscope.testsupport.Hl7Listener;
import org.histoscope.testsupport.TestAccounts;
import org.histoscope.tokens.ApiTokenService;
import org.histoscope.tokens.IssuedApiToken;
import org.histoscope.tokens.NewApiToken;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The running app on a random port, real PostgreSQL and the real model, with an 8 MB upload limit so that
 * oversize bodies are cheap to send. API test classes share this one context.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "histoscope.storage.max-upload-size=8MB",
        "spring.servlet.multipart.max-file-size=8MB",
        "spring.servlet.multipart.max-request-size=8MB",
        "histoscope.lis.hl7.enabled=true",
        "histoscope.lis.hl7.ack-timeout=2s",
        "histoscope.lis.hl7.first-retry-after=1s",
        "histoscope.lis.hl7.longest-retry-after=2s",
        "histoscope.lis.hl7.max-attempts=6",
        "histoscope.fhir.push.enabled=true",
        "histoscope.fhir.push.first-retry-after=1s",
        "histoscope.fhir.push.longest-retry-after=2s",
        "histoscope.fhir.push.max-attempts=6",
        "histoscope.fhir.push.timeout=5s",
        "histoscope.fhir.push.bearer-token=fhir-server-secret",
        "histoscope.fhir.push.public-url=https://histoscope.example.org"})
abstract class ApiTestContext {

    /** Where the test LIS listens (LisDeliveryTest starts and stops it); chosen once per JVM, loopback only. */
    static final int LIS_PORT = Hl7Listener.freePort();
    /** Where the test FHIR server listens (FhirR4Test starts it). */
    static final int FHIR_PORT = Hl7Listener.freePort();

    @DynamicPropertySource
    static void lisEndpoint(DynamicPropertyRegistry registry) {
        registry.add("histoscope.lis.hl7.host", () -> "127.0.0.1");
        registry.add("histoscope.lis.hl7.port", () -> LIS_PORT);
        registry.add("histoscope.fhir.push.url", () -> "http://127.0.0.1:" + FHIR_PORT + "/fhir");
    }

    static final String PATCH = "journeys/idc-9290-class1.png";
    static final String TIFF = "journeys/pcam-1996c210-tumor.tif";
    static final long MAX_UPLOAD = 8L * 1024 * 1024;

    @LocalServerPort
    int port;
    @Autowired
    ApiTokenService tokens;
    @Autowired
    JdbcTemplate jdbc;

    IssuedApiToken issue(String prefix, int perMinute, String... roles) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        return TestAccounts.runAs("token-admin", Set.of(Roles.ADMIN), () -> tokens.create(
                new NewApiToken(name, Set.of(roles), Instant.now().plus(Duration.ofDays(30)), perMinute)));
    }

    ApiHttp client(String... roles) {
        return new ApiHttp(port, issue("it", 10_000, roles).secret());
    }

    static byte[] resource(String path) {
        try {
            return new ClassPathResource(path).getContentAsByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A larger-than-a-patch PNG made of the IDC patch repeated, so it is tiled and gets a heatmap. */
    static byte[] tiledImage(int repeat) {
        try {
            BufferedImage patch = ImageIO.read(new ClassPathResource(PATCH).getInputStream());
            BufferedImage big = new BufferedImage(patch.getWidth() * repeat, patch.getHeight() * repeat,
                    BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < repeat; y++) {
                for (int x = 0; x < repeat; x++) {
                    big.getGraphics().drawImage(patch, x * patch.getWidth(), y * patch.getHeight(), null);
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(big, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A patch with its last pixel changed: same look, new content, so not a duplicate. */
    static byte[] distinctPatch(int seed) {
        try {
            BufferedImage patch = ImageIO.read(new ClassPathResource(PATCH).getInputStream());
            BufferedImage copy = new BufferedImage(patch.getWidth(), patch.getHeight(), BufferedImage.TYPE_INT_RGB);
            copy.getGraphics().drawImage(patch, 0, 0, null);
            copy.setRGB(copy.getWidth() - 1, copy.getHeight() - 1, seed & 0xFFFFFF);
            copy.setRGB(0, 0, (seed >>> 8) & 0xFFFFFF);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(copy, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            Thread.sleep(200);
        }
    }

    long count(String sql, Object... args) {
        return jdbc.queryForObject(sql, Long.class, args);
    }
}
