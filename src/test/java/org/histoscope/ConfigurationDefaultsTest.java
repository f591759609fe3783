package org.histoscope;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.histoscope.platform.internal.BackgroundWorkSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.histoscope.audit.internal.AuditProperties;
import org.histoscope.cases.StorageProperties;
import org.histoscope.images.ImageLimits;
import org.histoscope.inference.internal.InferenceSettings;
import org.histoscope.models.internal.ModelsSettings;
import org.histoscope.security.SecurityProperties;
import org.histoscope.viewer.internal.ViewerSettings;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.FileSystemResource;

/**
 * One source for each default: the {@code @ConfigurationProperties} records hold Histoscope's defaults and
 * application.yml only maps the environment variables onto them ({@code ${HISTOSCOPE_X:}}), so a default is never
 * written twice and cannot drift. The data folder is the one default application.yml owns: the paths under it follow
 * HISTOSCOPE_DATA_DIR there.
 */
class ConfigurationDefaultsTest {

    static final Path APPLICATION_YML = Path.of("src/main/resources/application.yml");
    static final Pattern WRITTEN_DEFAULT = Pattern.compile("\\$\\{(HISTOSCOPE_\\w+):([^}]+)}");

    @Test
    void applicationYmlWritesNoDefaultOfAHistoscopeSetting() throws IOException {
        List<String> written = new ArrayList<>();
        boolean histoscope = false;
        for (String line : Files.readAllLines(APPLICATION_YML)) {
            if (!line.isBlank() && !Character.isWhitespace(line.charAt(0)) && !line.startsWith("#")) {
                histoscope = line.startsWith("histoscope:");
            }
            Matcher m = WRITTEN_DEFAULT.matcher(line);
            while (histoscope && m.find()) {
                if (!m.group(1).equals("HISTOSCOPE_DATA_DIR") && !m.group(2).startsWith("${HISTOSCOPE_DATA_DIR:")) {
                    written.add(line.strip());
                }
            }
        }
        assertThat(written).as("defaults written in application.yml instead of their properties record").isEmpty();
    }

    @Test
    void withNoVariableSetTheRecordsDefaultsApply() throws IOException {
        List<PropertySource<?>> yaml = new YamlPropertySourceLoader()
                .load("application.yml", new FileSystemResource(APPLICATION_YML));
        Binder binder = new Binder(ConfigurationPropertySources.from(yaml), new PropertySourcesPlaceholdersResolver(yaml));
        Binder nothingSet = new Binder(List.of());

        assertThat(binder.bindOrCreate("histoscope.images", ImageLimits.class)).isEqualTo(ImageLimits.DEFAULT);
        assertThat(binder.bindOrCreate("histoscope.background-work", BackgroundWorkSettings.class))
                .isEqualTo(BackgroundWorkSettings.DEFAULT);
        assertThat(BackgroundWorkSettings.DEFAULT.nice()).isEqualTo(10);
        assertThat(binder.bindOrCreate("histoscope.inference", InferenceSettings.class))
                .isEqualTo(InferenceSettings.DEFAULT);
        SecurityProperties security = binder.bindOrCreate("histoscope.security", SecurityProperties.class);
        SecurityProperties securityDefaults = nothingSet.bindOrCreate("histoscope.security", SecurityProperties.class);
        assertThat(security.lockout()).isEqualTo(securityDefaults.lockout());
        assertThat(security.loginThrottle()).isEqualTo(securityDefaults.loginThrottle());
        assertThat(security.session()).isEqualTo(securityDefaults.session());
        assertThat(binder.bindOrCreate("histoscope.audit", AuditProperties.class).checkpointInterval())
                .isEqualTo(nothingSet.bindOrCreate("histoscope.audit", AuditProperties.class).checkpointInterval())
                .isEqualTo(Duration.ofSeconds(1));
        ModelsSettings models = binder.bindOrCreate("histoscope.models", ModelsSettings.class);
        ModelsSettings modelDefaults = new ModelsSettings(null, null, null);
        assertThat(models.directory()).isEqualTo(modelDefaults.directory());
        assertThat(models.defaultId()).isEqualTo(modelDefaults.defaultId());
        assertThat(binder.bindOrCreate("histoscope.viewer", ViewerSettings.class).tileCacheMaxBytes())
                .isEqualTo(new ViewerSettings(null, null, null).tileCacheMaxBytes());
        assertThat(binder.bindOrCreate("histoscope.storage", StorageProperties.class).maxUploadSize())
                .isEqualTo(new StorageProperties(null, null).maxUploadSize());
    }
}
