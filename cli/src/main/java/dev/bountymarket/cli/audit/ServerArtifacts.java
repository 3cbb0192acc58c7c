package dev.bountymarket.cli.audit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.bountymarket.cli.Api;

/**
 * Artifacts downloaded from the marketplace into a folder (kept, in the layout {@link FolderArtifacts} reads, so
 * that an audit can be re-run offline). A file the server does not publish (a model that won nothing, a confidential
 * test set) is simply absent.
 */
public final class ServerArtifacts implements Artifacts {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private final Api api;
    private final long serverId;
    private final Path dir;
    private Map<Integer, Long> submissionIds;

    public ServerArtifacts(Api api, long serverId, Path dir) {
        this.api = api;
        this.serverId = serverId;
        this.dir = dir;
    }

    @Override
    public Optional<Path> spec() {
        Path file = dir.resolve("spec.json");
        return api.download("/api/bounties/" + serverId + "/spec", file).map(sha -> file);
    }

    @Override
    public Optional<Path> testSet(boolean imageSpec) {
        Path file = dir.resolve(Artifacts.testSetName(imageSpec));
        return api.download("/api/bounties/" + serverId + "/test-set", file).map(sha -> file);
    }

    /**
     * A confidential bounty's salt, which its server hands only to the arbiter during a dispute (the call carries the
     * stored token): kept as {@code test-set.salt} beside the test set, so the folder audits offline too. Checked like
     * the file, against the commitment on-chain.
     */
    @Override
    public Optional<String> unrevealedSalt() {
        if (!api.signedIn()) {
            return Optional.empty();
        }
        Optional<String> salt = api.getTextIfAllowed("/api/bounties/" + serverId + "/test-set/salt").map(text -> {
            try {
                String hex = JSON.readTree(text).path("salt").asText("").strip().toLowerCase(java.util.Locale.ROOT);
                return hex.startsWith("0x") ? hex : "0x" + hex;
            } catch (java.io.IOException e) {
                return "";
            }
        }).filter(s -> s.matches("0x[0-9a-f]{64}"));
        salt.ifPresent(s -> {
            try {
                Files.createDirectories(dir);
                Files.writeString(dir.resolve("test-set.salt"), s + "\n");
            } catch (java.io.IOException e) {
                throw new dev.bountymarket.cli.CliException(dev.bountymarket.cli.ExitCodes.LOCAL, "cannot write "
                        + dir.resolve("test-set.salt") + ": " + e.getMessage());
            }
        });
        return salt;
    }

    @Override
    public Optional<Path> results() {
        Path file = dir.resolve("results.json");
        return api.download("/api/bounties/" + serverId + "/results", file).map(sha -> file);
    }

    @Override
    public Optional<Path> model(int submissionIndex, String modelSha256) {
        Path file = Artifacts.modelPath(dir, modelSha256);
        if (Files.isRegularFile(file)) {
            return Optional.of(file);
        }
        Long submission = submissionIds().get(submissionIndex);
        if (submission == null) {
            return Optional.empty();
        }
        return api.download("/api/submissions/" + submission + "/model", file).map(sha -> file);
    }

    /** The server's submission ids by on-chain index, from its private leaderboard (any lie there fails the hash). */
    private Map<Integer, Long> submissionIds() {
        if (submissionIds == null) {
            submissionIds = new HashMap<>();
            for (int page = 0; page < 1000; page++) {
                JsonNode answer = api.get("/api/bounties/" + serverId + "/leaderboard?board=private&size=100&page=" + page);
                JsonNode items = answer.path("items");
                for (JsonNode entry : items) {
                    if (entry.hasNonNull("chainIndex")) {
                        submissionIds.put(entry.get("chainIndex").asInt(), entry.get("submissionId").asLong());
                    }
                }
                if (items.size() < 100) {
                    break;
                }
            }
        }
        return submissionIds;
    }

    @Override
    public java.util.List<Path> otherModels() {
        return FolderArtifacts.list(dir.resolve("models"));
    }

    @Override
    public String describe() {
        return api.base() + " (bounty " + serverId + (api.signedIn() ? ", signed in" : "") + "), saved in " + dir;
    }
}
