package org.histoscope;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/**
 * Issue 24 item 10: docker-compose.two-nodes.yml connected the nodes as the PostgreSQL superuser, which the
 * application (rightly) refuses, so the documented two-node set-up could not start. Without a Docker engine here,
 * the compose files are read as YAML (anchors and merge keys resolved) and held to what the application needs:
 * it runs as an application role, Flyway migrates as the owner, the database's first start creates both roles
 * (db-init), and every node of one audit chain reads the same audit key.
 */
class DeploymentComposeTest {

    private static final String APP_ROLE = "histoscope_app";
    private static final String OWNER_ROLE = "histoscope_owner";

    @ParameterizedTest
    @ValueSource(strings = {"docker-compose.yml", "docker-compose.two-nodes.yml"})
    void theApplicationNeverConnectsAsTheSuperuserAndTheRolesItUsesAreCreated(String file) throws Exception {
        Map<String, Map<String, Object>> services = services(file);
        Map<String, Object> db = services.get("db");
        Map<String, Object> dbEnvironment = environment(db);
        String superuser = String.valueOf(dbEnvironment.getOrDefault("POSTGRES_USER", "postgres"));
        assertThat(list(db, "volumes")).as("db-init mounted as the database's first-start scripts")
                .contains("./db-init:/docker-entrypoint-initdb.d:ro");
        String initScript = initScripts();

        List<Map<String, Object>> nodes = services.values().stream()
                .filter(service -> environment(service).containsKey("SPRING_DATASOURCE_URL")).toList();
        assertThat(nodes).as("application services in " + file).isNotEmpty();
        for (Map<String, Object> node : nodes) {
            Map<String, Object> env = environment(node);
            assertThat(env.get("SPRING_DATASOURCE_USERNAME")).isEqualTo(APP_ROLE).isNotEqualTo(superuser);
            assertThat(env.get("HISTOSCOPE_DB_APP_ROLE")).isEqualTo(APP_ROLE);
            assertThat(env.get("SPRING_FLYWAY_USER")).isEqualTo(OWNER_ROLE).isNotEqualTo(superuser);
            // each password is the one the database's init script gave that role
            assertThat(variable(env.get("SPRING_DATASOURCE_PASSWORD"))).isEqualTo(variable(dbEnvironment.get("HISTOSCOPE_DB_APP_PASSWORD")));
            assertThat(variable(env.get("SPRING_FLYWAY_PASSWORD"))).isEqualTo(variable(dbEnvironment.get("HISTOSCOPE_DB_OWNER_PASSWORD")));
            assertThat(String.valueOf(env.get("HISTOSCOPE_AUDIT_KEY_FILE"))).startsWith("/app/keys/");
            assertThat(list(node, "volumes")).anyMatch(volume -> volume.endsWith(":/app/keys"));
        }
        for (String role : List.of(APP_ROLE, OWNER_ROLE)) {
            assertThat(initScript).containsPattern("CREATE ROLE " + role + " LOGIN PASSWORD :'\\w+' NOSUPERUSER");
        }
        assertThat(initScript).contains("-v owner_pw=\"$HISTOSCOPE_DB_OWNER_PASSWORD\"")
                .contains("-v app_pw=\"$HISTOSCOPE_DB_APP_PASSWORD\"")
                .contains("ALTER DATABASE histoscope OWNER TO " + OWNER_ROLE);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services(String file) throws Exception {
        try (Reader in = Files.newBufferedReader(Path.of(file))) {
            Map<String, Object> compose = new Yaml().load(in);
            return (Map<String, Map<String, Object>>) compose.get("services");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> environment(Map<String, Object> service) {
        Object environment = service.get("environment");
        return environment instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static List<String> list(Map<String, Object> service, String key) {
        return service.get(key) instanceof List<?> list ? (List<String>) list : List.of();
    }

    /** The variable a ${NAME...} value is taken from. */
    private static String variable(Object value) {
        Matcher name = Pattern.compile("\\$\\{(\\w+)").matcher(String.valueOf(value));
        assertThat(name.find()).as("a value taken from a variable: " + value).isTrue();
        return name.group(1);
    }

    private static String initScripts() throws Exception {
        StringBuilder all = new StringBuilder();
        try (var files = Files.list(Path.of("db-init"))) {
            for (Path script : files.sorted().toList()) {
                all.append(Files.readString(script)).append('\n');
            }
        }
        return all.toString();
    }
}
