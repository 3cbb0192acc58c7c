package dev.bountymarket.auth;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.SignatureException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

import dev.bountymarket.auth.AuthException.Code;
import dev.bountymarket.chain.ChainWatch;
import dev.bountymarket.chain.ContractRegistry;
import io.quarkus.scheduler.Scheduled;

/**
 * Sign-in with Ethereum: issues single-use nonces, checks signed EIP-4361 messages, and keeps the sessions and API
 * tokens that follow. Secrets (session and API tokens) are only ever stored as SHA-256.
 */
@ApplicationScoped
@Transactional
public class AuthService {

    /** Clock skew tolerated on a message's issue time. */
    private static final Duration SKEW = Duration.ofMinutes(1);
    private static final char[] ALPHANUMERIC = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();

    private final SecureRandom random = new SecureRandom();

    @Inject
    AuthConfig config;

    @Inject
    ContractRegistry registry;

    @Inject
    ChainWatch watch;

    /**
     * A message for the wallet to sign: a fresh nonce, the site's address and chain.
     *
     * @param origin where the site was opened (scheme://host[:port]), as {@code SiteOrigin} allows it
     */
    public SiweMessage prepare(String address, String origin) {
        if (address == null || !address.matches("0x[0-9a-fA-F]{40}")) {
            throw new AuthException(Code.INVALID_MESSAGE, "address must be a 0x-prefixed 20-byte hex address");
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        SignInNonce nonce = new SignInNonce();
        nonce.nonce = randomText(24);
        nonce.issuedAt = now;
        nonce.expiresAt = now.plus(config.nonceValidity());
        nonce.persist();
        return new SiweMessage(domain(origin), address.toLowerCase(Locale.ROOT), SiweMessage.STATEMENT, origin,
                chainId(), nonce.nonce, now, nonce.expiresAt);
    }

    /** A new browser session, with the secrets to hand to the browser. */
    public record SignedIn(String address, String sessionToken, String csrfToken, Instant expiresAt) {
    }

    /**
     * Checks a signed message and opens a session. Every check names what failed: the format, the domain, the URI,
     * the chain, the times, the signature, the nonce.
     *
     * @param origin where the site was opened, which the message must name
     */
    public SignedIn signIn(String messageText, String signatureHex, String origin) {
        SiweMessage message = SiweMessage.parse(messageText == null ? "" : messageText).orElseThrow(
                () -> new AuthException(Code.INVALID_MESSAGE, "not an EIP-4361 sign-in message in the expected layout"));
        if (!message.domain().equals(domain(origin))) {
            throw rejected("the message is for " + message.domain() + ", not " + domain(origin));
        }
        if (!message.uri().equals(origin)) {
            throw rejected("the message is for URI " + message.uri() + ", not " + origin);
        }
        long chainId = chainId();
        if (message.chainId() != chainId) {
            throw rejected("the message is for chain " + message.chainId() + ", but this marketplace runs on chain " + chainId);
        }
        Instant now = Instant.now();
        if (!now.isBefore(message.expirationTime())) {
            throw rejected("the message expired at " + message.expirationTime());
        }
        if (message.issuedAt().isAfter(now.plus(SKEW))) {
            throw rejected("the message is issued in the future (" + message.issuedAt() + ")");
        }
        String signer = recoverSigner(messageText.replace("\r\n", "\n"), signatureHex);
        if (!signer.equals(message.address())) {
            throw rejected("the signature is by " + signer + ", not by " + message.address());
        }
        if (!SignInNonce.consume(message.nonce(), now)) {
            throw rejected("the nonce was already used or has expired: ask for a new message");
        }
        Account.findOrCreate(message.address(), now);
        Session session = new Session();
        String token = randomText(43);
        session.tokenHash = sha256(token);
        session.address = message.address();
        session.csrfToken = randomText(32);
        session.createdAt = now;
        session.expiresAt = now.plus(config.sessionValidity());
        session.persist();
        return new SignedIn(session.address, token, session.csrfToken, session.expiresAt);
    }

    /** Deletes the nonces that expired: used or not, they can never sign anyone in again. */
    @Scheduled(every = "${auth.nonce-cleanup:1m}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void deleteExpiredNonces() {
        SignInNonce.deleteExpired(Instant.now());
    }

    /** The SIWE domain of an origin: its host and port, as the browser shows it. */
    static String domain(String origin) {
        return origin.substring(origin.indexOf("://") + 3);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<Session> session(String sessionToken) {
        return Session.findLive(sha256(sessionToken), Instant.now());
    }

    public void signOut(String sessionToken) {
        Session.findLive(sha256(sessionToken), Instant.now()).ifPresent(s -> s.revokedAt = Instant.now());
    }

    /** The account an API token acts for, recording when it was last used. */
    public Optional<String> tokenOwner(String token) {
        return ApiToken.findLive(sha256(token)).map(t -> {
            t.lastUsedAt = Instant.now();
            return t.address;
        });
    }

    /** A new API token: the returned secret is shown once and never stored. */
    public record CreatedToken(ApiToken token, String secret) {
    }

    public CreatedToken createToken(String address, String name) {
        if (name == null || name.isBlank() || name.length() > 100) {
            throw new AuthException(Code.INVALID_MESSAGE, "a token needs a name of 1 to 100 characters");
        }
        String secret = "bm_" + randomText(40);
        ApiToken token = new ApiToken();
        token.tokenHash = sha256(secret);
        token.address = address;
        token.name = name.strip();
        token.createdAt = Instant.now();
        token.persist();
        return new CreatedToken(token, secret);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<ApiToken> tokens(String address) {
        return ApiToken.listOf(address);
    }

    public void revokeToken(String address, long id) {
        ApiToken token = ApiToken.findById(id);
        if (token == null || !token.address.equals(address)) {
            throw new AuthException(Code.TOKEN_NOT_FOUND, "you have no API token " + id);
        }
        if (token.revokedAt == null) {
            token.revokedAt = Instant.now();
        }
    }

    /** The address that produced an EIP-191 personal_sign signature of the message. */
    static String recoverSigner(String message, String signatureHex) {
        byte[] signature;
        try {
            signature = Numeric.hexStringToByteArray(signatureHex == null ? "" : signatureHex);
        } catch (RuntimeException e) {
            throw rejected("the signature is not hex");
        }
        if (signature.length != 65) {
            throw rejected("a signature is 65 bytes, this one is " + signature.length);
        }
        byte v = signature[64];
        if (v < 27) {
            v += 27;
        }
        var data = new Sign.SignatureData(v, Arrays.copyOfRange(signature, 0, 32), Arrays.copyOfRange(signature, 32, 64));
        try {
            BigInteger key = Sign.signedPrefixedMessageToKey(message.getBytes(StandardCharsets.UTF_8), data);
            return "0x" + Keys.getAddress(key);
        } catch (SignatureException | RuntimeException e) {
            throw rejected("the signature cannot be verified: " + e.getMessage());
        }
    }

    /** The chain the contract is on: known without asking the node once the contract is found, so sign-in needs no live chain. */
    private long chainId() {
        return registry.resolved().map(contract -> contract.chainId).orElseGet(() -> {
            watch.requireAnswering();
            return registry.chainId();
        });
    }

    private static AuthException rejected(String why) {
        return new AuthException(Code.SIGN_IN_REJECTED, "Sign-in rejected: " + why + ".");
    }

    private String randomText(int length) {
        char[] text = new char[length];
        for (int i = 0; i < length; i++) {
            text[i] = ALPHANUMERIC[random.nextInt(ALPHANUMERIC.length)];
        }
        return new String(text);
    }

    static String sha256(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
