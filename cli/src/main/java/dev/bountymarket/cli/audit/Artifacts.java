package dev.bountymarket.cli.audit;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The public files an audit checks, wherever they come from (a folder, or the server, which is trusted for nothing:
 * every file is checked against the chain before it is used). The folder layout is the one {@code download} writes:
 * {@code spec.json}, {@code test-set.csv} (or {@code .zip} for images), {@code results.json} and
 * {@code models/<sha256>.onnx} (the sha256 in hex, without 0x).
 */
public interface Artifacts {

    /** The spec file, if present. */
    Optional<Path> spec();

    /** The revealed test set, if present ({@code imageSpec}: a zip rather than a CSV). */
    Optional<Path> testSet(boolean imageSpec);

    /**
     * The salt of a test set that is not revealed on-chain (a confidential bounty's, handed to its arbiter), if
     * present: {@code test-set.salt} in a folder, 0x and 64 hex digits.
     */
    default Optional<String> unrevealedSalt() {
        return Optional.empty();
    }

    /** The results document, if present. */
    Optional<Path> results();

    /** The model committed as submission {@code submissionIndex} with this sha256 (0x hex), if published. */
    Optional<Path> model(int submissionIndex, String modelSha256);

    /**
     * Model files at hand whose submission is not known by hash (an exclusion's model: the results document names
     * no sha256 for it); each is matched to a submission by its commitment.
     */
    java.util.List<Path> otherModels();

    /** Where these files come from, in words. */
    String describe();

    /** The layout inside a folder: one name for each file. */
    static Path modelPath(Path dir, String modelSha256) {
        return dir.resolve("models").resolve(modelSha256.toLowerCase().replaceFirst("^0x", "") + ".onnx");
    }

    static String testSetName(boolean imageSpec) {
        return imageSpec ? "test-set.zip" : "test-set.csv";
    }
}
