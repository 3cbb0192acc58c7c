package dev.bountymarket.cli;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import org.web3j.crypto.Credentials;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

@Command(name = "login", mixinStandardHelpOptions = true,
        description = {"Sign in with Ethereum (EIP-4361) using a local key, and store an API token for the server in "
                + "your config folder ($XDG_CONFIG_HOME/bountymarket/tokens.json, owner-only).",
                "The key comes from --keystore FILE or $BOUNTYMARKET_PRIVATE_KEY, never from the command line. Only a "
                        + "sign-in message for this server's own address is signed.",
                "The server's market contract is recorded with the token, and the transactions the server prepares "
                        + "later are signed only if they call it. A later login that finds another contract is refused "
                        + "unless --market names the new one."})
final class LoginCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Mixin
    KeyOptions key;

    @Mixin
    MarketOption market;

    @Override
    public Integer call() {
        String server = main.server();
        TokenStore store = TokenStore.standard();
        // A token file others can read is refused before anything is sent or written.
        Optional<TokenStore.Entry> previous = store.find(server);
        Optional<String> given = market.given();
        Credentials account = key.credentials();
        String address = account.getAddress().toLowerCase(Locale.ROOT);
        Api api = new Api(server, Optional.empty());
        String pinned = pinMarket(api.get("/api/chain").path("market").asText(null), given,
                previous.map(TokenStore.Entry::market), server);
        String message = api.post("/api/auth/message", Map.of("address", address)).path("message").asText();
        checkMessage(message, server, address);
        Sign.SignatureData s = Sign.signPrefixedMessage(message.getBytes(StandardCharsets.UTF_8), account.getEcKeyPair());
        byte[] signature = new byte[65];
        System.arraycopy(s.getR(), 0, signature, 0, 32);
        System.arraycopy(s.getS(), 0, signature, 32, 32);
        signature[64] = s.getV()[0];
        HttpResponse<String> signedIn = api.postForResponse("/api/auth/sign-in",
                Map.of("message", message, "signature", Numeric.toHexString(signature)));
        String cookie = signedIn.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("bm_session="))
                .map(c -> c.split(";", 2)[0]).findFirst()
                .orElseThrow(() -> new CliException(ExitCodes.REMOTE, "the server signed us in but set no session cookie"));
        String csrf;
        try {
            csrf = Api.JSON.readTree(signedIn.body()).path("csrfToken").asText();
        } catch (java.io.IOException e) {
            throw new CliException(ExitCodes.REMOTE, "the server's sign-in answer is not JSON: " + e.getMessage());
        }
        String host = System.getenv().getOrDefault("HOSTNAME", "this machine");
        JsonNode created = api.postWithSession("/api/auth/tokens", Map.of("name", "bountymarket CLI on " + host), cookie,
                csrf);
        String token = created.path("token").asText(null);
        if (token == null) {
            throw new CliException(ExitCodes.REMOTE, "the server created no API token: " + created);
        }
        store.save(server, new TokenStore.Entry(address, token, pinned));
        if (main.json()) {
            System.out.println(Api.JSON.createObjectNode().put("server", server).put("address", address)
                    .put("market", pinned).put("tokenFile", store.file().toString()).toPrettyString());
        } else {
            System.out.println("Signed in to " + server + " as " + address + "; API token stored in " + store.file()
                    + ", with its market contract " + pinned);
        }
        return ExitCodes.OK;
    }

    /**
     * The market contract to record for {@code server}: the one it names now, which must be the one {@code --market}
     * gives, or else the one recorded at the last login. A server that names another contract than before may have been
     * taken over, and only the user can tell a real move (announced by the site) from that.
     */
    static String pinMarket(String reported, Optional<String> given, Optional<String> recorded, String server) {
        if (!MarketOption.isAddress(reported)) {
            throw new CliException(ExitCodes.REMOTE, "the server names no market contract (GET /api/chain answered "
                    + reported + "); is " + server + " a bounty marketplace?");
        }
        String named = reported.toLowerCase(Locale.ROOT);
        if (given.isPresent()) {
            if (!given.get().equals(named)) {
                throw new CliException(ExitCodes.REMOTE, "refusing to sign in: the server's market contract is " + named
                        + ", not the --market " + given.get() + " you gave");
            }
            return named;
        }
        if (recorded.isPresent() && MarketOption.isAddress(recorded.get()) && !recorded.get().equalsIgnoreCase(named)) {
            throw new CliException(ExitCodes.REMOTE, "refusing to sign in: " + server + " now names the market contract "
                    + named + ", but it named " + recorded.get().toLowerCase(Locale.ROOT) + " when you last logged in."
                    + " If the site has announced a new contract, log in again with --market " + named
                    + "; otherwise the server may be compromised");
        }
        return named;
    }

    /**
     * Refuses to sign a message meant for another site or another account: a server could otherwise hand over a
     * sign-in message for some other marketplace and sign in there as this user.
     */
    static void checkMessage(String message, String server, String address) {
        String authority = URI.create(server).getAuthority();
        String firstLine = message.lines().findFirst().orElse("");
        if (!firstLine.equals(authority + " wants you to sign in with your Ethereum account:")) {
            throw new CliException(ExitCodes.REMOTE, "refusing to sign: the server's sign-in message is for '"
                    + firstLine.replaceFirst(" wants you.*", "") + "', not for " + authority
                    + " (use --server with the address the site itself uses)");
        }
        String second = message.lines().skip(1).findFirst().orElse("");
        if (!second.equalsIgnoreCase(address)) {
            throw new CliException(ExitCodes.REMOTE, "refusing to sign: the sign-in message names the account " + second
                    + ", not " + address);
        }
    }
}
