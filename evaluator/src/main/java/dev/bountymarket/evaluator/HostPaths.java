package dev.bountymarket.evaluator;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes this machine's paths out of a message a contributor or sponsor will read. ONNX Runtime and the JVM name files
 * by their full path ({@code Load model from /tmp/evaluation-123/model/m.onnx}); the reader knows their file by its
 * name, and the server's folders are nobody's business. Every absolute path is cut to its last part.
 */
public final class HostPaths {
    // an absolute path of two or more parts, not the "/" inside a fraction or a word ("1/2", "and/or")
    private static final Pattern ABSOLUTE = Pattern.compile("(?<![\\w./])/(?:[^\\s\"'`,;:()\\[\\]{}<>/]+/)+([^\\s\"'`,;:()\\[\\]{}<>/]*)");

    private HostPaths() {}

    public static String remove(String message) {
        if (message == null) {
            return null;
        }
        return ABSOLUTE.matcher(message).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
    }
}
