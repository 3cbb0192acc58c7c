package dev.bountymarket.evaluator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The evaluator's version, written into every report (a report is only reproducible by the same version). */
public final class EvaluatorVersion {
    private static final String VERSION = load();

    private EvaluatorVersion() {}

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = EvaluatorVersion.class.getResourceAsStream("evaluator-version.properties")) {
            if (in == null) {
                throw new IllegalStateException("evaluator-version.properties missing from the classpath");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
