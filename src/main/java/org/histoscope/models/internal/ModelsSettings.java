package org.histoscope.models.internal;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of {@code histoscope.models.*}.
 *
 * @param directory the folder of model packages, scanned at start-up; added packages are copied here
 * @param defaultId the card id of the model activated when no model is active yet
 * @param evaluationDirectory where uploaded evaluation data sets wait (one zip per evaluation id) until their
 *                            durable evaluation job has run, so an evaluation survives a restart
 */
@ConfigurationProperties("histoscope.models")
public record ModelsSettings(Path directory, String defaultId, Path evaluationDirectory) {

    public ModelsSettings {
        directory = directory == null ? Path.of("models") : directory;
        defaultId = defaultId == null || defaultId.isBlank() ? "xception-nasnetmobile-idc" : defaultId;
        evaluationDirectory = evaluationDirectory == null ? Path.of("data", "evaluations") : evaluationDirectory;
    }
}
