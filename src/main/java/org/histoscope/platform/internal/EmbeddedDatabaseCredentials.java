package org.histoscope.platform.internal;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.WeakHashMap;

/**
 * The passwords of the embedded cluster's three roles (superuser {@code postgres}, schema owner, application role).
 * Generated once at random and kept in a file beside the cluster's folder, readable by its owner only (0600), so
 * that no connection to the embedded database works without a password (SCRAM), also from this machine.
 */
public record EmbeddedDatabaseCredentials(String superuser, String owner, String app) {

    static final String SUPERUSER_ROLE = "postgres";
    private static final Map<EmbeddedPostgres, EmbeddedDatabaseCredentials> RUNNING =
            Collections.synchronizedMap(new WeakHashMap<>());

    /** The passwords of a cluster this application started (tests that act as a database insider need them). */
    public static Optional<EmbeddedDatabaseCredentials> of(EmbeddedPostgres postgres) {
        return Optional.ofNullable(RUNNING.get(postgres));
    }

    public String passwordOf(String role) {
        return switch (role) {
            case SUPERUSER_ROLE -> superuser;
            case EmbeddedPostgresConfiguration.OWNER_ROLE -> owner;
            case EmbeddedPostgresConfiguration.APP_ROLE -> app;
            default -> throw new IllegalArgumentException("No password for role " + role);
        };
    }

    void registerFor(EmbeddedPostgres postgres) {
        RUNNING.put(postgres, this);
    }

    /** Reads the file, or creates it (0600) with fresh random passwords when it does not exist yet. */
    static EmbeddedDatabaseCredentials loadOrCreate(Path file) {
        try {
            if (!Files.exists(file)) {
                create(file);
            }
            Properties stored = new Properties();
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                stored.load(in);
            }
            EmbeddedDatabaseCredentials credentials = new EmbeddedDatabaseCredentials(
                    stored.getProperty(SUPERUSER_ROLE), stored.getProperty(EmbeddedPostgresConfiguration.OWNER_ROLE),
                    stored.getProperty(EmbeddedPostgresConfiguration.APP_ROLE));
            if (credentials.superuser == null || credentials.owner == null || credentials.app == null) {
                throw new IllegalStateException("The embedded database's password file " + file + " lacks a role's "
                        + "password; restore it from the backup of the data folder");
            }
            return credentials;
        } catch (IOException e) {
            throw new UncheckedIOException("The embedded database's password file " + file + " cannot be read", e);
        }
    }

    private static void create(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".new");
        Files.deleteIfExists(temporary);
        try {
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(temporary);
        }
        try (Writer out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
            out.write("# Passwords of the embedded PostgreSQL's roles (generated once; keep with the data folder)\n");
            for (String role : new String[] {SUPERUSER_ROLE, EmbeddedPostgresConfiguration.OWNER_ROLE,
                    EmbeddedPostgresConfiguration.APP_ROLE}) {
                out.write(role + "=" + randomPassword() + "\n");
            }
        }
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException another) {
            Files.deleteIfExists(temporary);
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public String toString() {
        return "EmbeddedDatabaseCredentials[hidden]";
    }
}
