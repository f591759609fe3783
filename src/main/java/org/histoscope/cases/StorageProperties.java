package org.histoscope.cases;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * @param directory     where uploaded originals are kept, one file per distinct content, named by its sha256
 * @param maxUploadSize largest accepted upload; checked while streaming, so a bigger file is never stored
 */
@ConfigurationProperties("histoscope.storage")
public record StorageProperties(String directory, DataSize maxUploadSize) {

    public StorageProperties {
        if (directory == null || directory.isBlank()) {
            directory = "./data/images";
        }
        if (maxUploadSize == null) {
            maxUploadSize = DataSize.ofGigabytes(2);
        }
    }
}
