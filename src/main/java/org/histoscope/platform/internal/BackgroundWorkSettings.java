package org.histoscope.platform.internal;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of {@code histoscope.background-work.*}.
 *
 * @param nice how many nice steps below the web requests the background threads run (Linux; 0 to 19, 0: the same
 *             priority), see {@link org.histoscope.platform.BackgroundPriority}
 */
@ConfigurationProperties("histoscope.background-work")
public record BackgroundWorkSettings(Integer nice) {

    public static final BackgroundWorkSettings DEFAULT = new BackgroundWorkSettings(null);

    public BackgroundWorkSettings {
        nice = nice == null ? 10 : nice;
    }
}
