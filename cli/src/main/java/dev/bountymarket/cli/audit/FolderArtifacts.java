package dev.bountymarket.cli.audit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Artifacts in a folder ({@code --artifacts DIR}), so that an audit needs no server at all. */
public record FolderArtifacts(Path dir) implements Artifacts {

    @Override
    public Optional<Path> spec() {
        return existing(dir.resolve("spec.json"));
    }

    @Override
    public Optional<Path> testSet(boolean imageSpec) {
        return existing(dir.resolve(Artifacts.testSetName(imageSpec)));
    }

    @Override
    public Optional<String> unrevealedSalt() {
        try {
            return existing(dir.resolve("test-set.salt")).map(file -> {
                try {
                    return Files.readString(file).strip().toLowerCase(java.util.Locale.ROOT);
                } catch (java.io.IOException e) {
                    return "";
                }
            }).filter(salt -> salt.matches("0x[0-9a-f]{64}"));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<Path> results() {
        return existing(dir.resolve("results.json"));
    }

    @Override
    public Optional<Path> model(int submissionIndex, String modelSha256) {
        return existing(Artifacts.modelPath(dir, modelSha256));
    }

    @Override
    public java.util.List<Path> otherModels() {
        return list(dir.resolve("models"));
    }

    static java.util.List<Path> list(Path folder) {
        if (!Files.isDirectory(folder)) {
            return java.util.List.of();
        }
        try (java.util.stream.Stream<Path> files = Files.list(folder)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        } catch (java.io.IOException e) {
            return java.util.List.of();
        }
    }

    @Override
    public String describe() {
        return "the folder " + dir;
    }

    private static Optional<Path> existing(Path file) {
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }
}
