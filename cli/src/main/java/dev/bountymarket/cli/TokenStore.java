package dev.bountymarket.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The API tokens {@code login} obtained, one per server, with the market contract the server named then (pinned: the
 * server's transactions may call only it, see {@link MarketOption}), in {@code $XDG_CONFIG_HOME/bountymarket/tokens.json}
 * (~/.config/bountymarket when unset). A token acts for its account, so the file is written owner-only (0600, in a
 * 0700 folder), and a file that others can read or write is refused rather than used: someone may have copied it
 * or put their own token in it.
 */
public final class TokenStore {
    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE);

    /**
     * A stored sign-in: the account, its token and the market contract pinned at login ({@code null} in entries written
     * before markets were pinned).
     */
    public record Entry(String address, String token, String market) {
    }

    private final Path file;

    public TokenStore(Path file) {
        this.file = file;
    }

    /** The store in the user's config folder. */
    public static TokenStore standard() {
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path config = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return new TokenStore(config.resolve("bountymarket").resolve("tokens.json"));
    }

    public Path file() {
        return file;
    }

    /** The sign-in stored for {@code server}, if any. */
    public Optional<Entry> find(String server) {
        ObjectNode all = readAll();
        JsonNode entry = all.path(server);
        if (!entry.hasNonNull("token")) {
            return Optional.empty();
        }
        return Optional.of(new Entry(entry.path("address").asText(), entry.get("token").asText(),
                entry.path("market").asText(null)));
    }

    /** The token for {@code server}, or a clear refusal that says how to get one. */
    public Entry require(String server) {
        return find(server).orElseThrow(() -> new CliException(ExitCodes.NOT_SIGNED_IN, "not signed in to " + server
                + ": run bountymarket login --server " + server));
    }

    public void save(String server, Entry entry) {
        ObjectNode all = readAll();
        ObjectNode node = all.putObject(server);
        node.put("address", entry.address());
        node.put("token", entry.token());
        node.put("market", entry.market());
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (!Files.exists(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(EnumSet.of(PosixFilePermission.OWNER_READ,
                        PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE)));
            }
            Path temporary = Files.createTempFile(dir, ".tokens-", ".json", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            Files.writeString(temporary, Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(all) + "\n",
                    StandardCharsets.UTF_8);
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        } catch (IOException e) {
            throw new CliException(ExitCodes.LOCAL, "cannot write the token file " + file + ": " + e.getMessage());
        }
    }

    private ObjectNode readAll() {
        if (!Files.exists(file)) {
            return Api.JSON.createObjectNode();
        }
        try {
            refuseIfLoose();
            JsonNode all = Api.JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
            if (all instanceof ObjectNode object) {
                return object;
            }
            throw new CliException(ExitCodes.LOCAL, "the token file " + file + " is not a JSON object: delete it and log in again");
        } catch (IOException e) {
            throw new CliException(ExitCodes.LOCAL, "cannot read the token file " + file + ": " + e.getMessage());
        }
    }

    /** Refuses a token file that other users can read or change, or a link to one. */
    private void refuseIfLoose() throws IOException {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return; // not a POSIX file system (Windows): the folder's ACL is the user's
        }
        if (!OWNER_ONLY.containsAll(permissions) || Files.isSymbolicLink(file)) {
            throw new CliException(ExitCodes.NOT_SIGNED_IN, "refusing the token file " + file + ": it is "
                    + (Files.isSymbolicLink(file) ? "a symbolic link" : PosixFilePermissions.toString(permissions)
                    + ", so other users can read or change it") + ". Its tokens act for your account: delete it"
                    + " (and revoke its tokens on your account page), then run bountymarket login again");
        }
    }

}
