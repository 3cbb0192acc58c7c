package dev.bountymarket.evaluator.dataset;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Which rows of a hidden test set the live leaderboard scores, and which decide the payout (docs/protocol.md, "The
 * live split"). Row {@code i} (0-based, in the order the evaluator reads the test set: CSV data rows in file order, an
 * image zip's entries in its labels file's order) is <b>live</b> iff
 *
 * <pre>
 *   u = first 4 bytes, big-endian unsigned, of HMAC-SHA256(key = salt, message = "live-split" || uint64be(i))
 *   u * 100 &lt; sharePercent * 2^32
 * </pre>
 *
 * and <b>private</b> otherwise. {@code salt} is the 32-byte salt of the test-set commitment
 * ({@code keccak256(abi.encode(sha256(testSet), salt))}), secret until {@code revealTestSet} publishes it, so nobody
 * can tell the parts apart before the reveal and anyone can recompute them after it. Immutable and thread-safe.
 */
public final class LiveSplit {
    /** The rule's name, written into reports and results documents. */
    public static final String RULE = "hmac-sha256-live-split-v1";

    private static final byte[] DOMAIN = "live-split".getBytes(StandardCharsets.US_ASCII);

    /** The two disjoint parts of a hidden test set. */
    public enum Part {
        /** Scored for the live leaderboard while the bounty is open. */
        LIVE("live"),
        /** Scored for the results: the ranking and the payout. */
        PRIVATE("private");

        private final String wireName;

        Part(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static Part fromWire(String name) {
            for (Part part : values()) {
                if (part.wireName.equals(name)) {
                    return part;
                }
            }
            throw new IllegalArgumentException("part must be live or private, not '" + name + "'");
        }
    }

    private final byte[] salt;
    private final int sharePercent;
    private final long threshold;
    private final ThreadLocal<Mac> macs;

    /**
     * @param salt the commitment's 32-byte salt
     * @param sharePercent the live part's share, 1 to 99 (a spec's {@code liveBoard.sharePercent})
     */
    public LiveSplit(byte[] salt, int sharePercent) {
        if (salt == null || salt.length != 32) {
            throw new IllegalArgumentException("the salt must be 32 bytes, got "
                    + (salt == null ? "none" : salt.length + " bytes"));
        }
        if (sharePercent < 1 || sharePercent > 99) {
            throw new IllegalArgumentException("sharePercent must be 1 to 99, got " + sharePercent);
        }
        this.salt = salt.clone();
        this.sharePercent = sharePercent;
        this.threshold = (long) sharePercent << 32;
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    /** The split for a 0x-prefixed (or bare) 64-hex-digit salt. */
    public static LiveSplit of(String saltHex, int sharePercent) {
        String hex = saltHex.startsWith("0x") || saltHex.startsWith("0X") ? saltHex.substring(2) : saltHex;
        if (hex.length() != 64) {
            // The text itself is not echoed: it may be a secret salt mistyped.
            throw new IllegalArgumentException("the salt must be 32 bytes (64 hex digits), got " + hex.length()
                    + " characters");
        }
        return new LiveSplit(HexFormat.of().parseHex(hex), sharePercent);
    }

    /** The salt, 0x-prefixed hex (to hand the split to a child process). */
    public String saltHex() {
        return "0x" + HexFormat.of().formatHex(salt);
    }

    public int sharePercent() {
        return sharePercent;
    }

    /** Whether row {@code row} (0-based) belongs to the live part. */
    public boolean isLive(long row) {
        Mac mac = macs.get();
        mac.update(DOMAIN);
        mac.update(ByteBuffer.allocate(Long.BYTES).putLong(row).array());
        byte[] digest = mac.doFinal();
        long u = ((digest[0] & 0xFFL) << 24) | ((digest[1] & 0xFFL) << 16) | ((digest[2] & 0xFFL) << 8) | (digest[3] & 0xFFL);
        return u * 100 < threshold;
    }

    public Part partOf(long row) {
        return isLive(row) ? Part.LIVE : Part.PRIVATE;
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(salt, "HmacSHA256"));
            return mac;
        } catch (InvalidKeyException e) {
            throw new IllegalStateException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    /** One part of a test set under a split: what an evaluation scores. */
    public record Selection(LiveSplit split, Part part) {
        public Selection {
            if (split == null || part == null) {
                throw new IllegalArgumentException("a selection needs a split and a part");
            }
        }

        public boolean selects(long row) {
            return split.partOf(row) == part;
        }
    }
}
