package org.histoscope.testsupport;

import java.io.File;
import java.util.Arrays;
import java.util.stream.Collectors;

/** What a test needs to start the application in a JVM of its own. */
public final class ChildJvm {

    private ChildJvm() {
    }

    /**
     * The test class path without empty entries: a child JVM reads an empty entry as its working directory, which
     * would put the project's own db/migration folder on the class path a second time.
     */
    public static String classPath() {
        String path = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.stream(path.split(File.pathSeparator)).filter(entry -> !entry.isBlank())
                .collect(Collectors.joining(File.pathSeparator));
    }
}
