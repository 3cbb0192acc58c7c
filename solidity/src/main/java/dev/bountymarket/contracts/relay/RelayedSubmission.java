package dev.bountymarket.contracts.relay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.SignatureException;
import java.util.Arrays;
import java.util.Locale;

import org.web3j.crypto.Hash;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.crypto.StructuredDataEncoder;
import org.web3j.utils.Numeric;

/**
 * A contributor's signed submission for the market's relayer (docs/protocol.md, "Relayed submissions"): the EIP-712
 * payload a wallet signs with {@code eth_signTypedData_v4}, its digest (what {@code BountyMarket.submissionDigest}
 * returns), and the signer a signature recovers to, with the contract's rules (low s, v 27 or 28). The server's relayer
 * and command-line tools build the same payload from here, so they cannot drift from each other.
 *
 * @param chainId the market's chain
 * @param market the market's address (the domain's verifyingContract)
 * @param bountyId the bounty's on-chain id
 * @param commitment keccak256(abi.encode(modelSha256, contributor)), 32 bytes
 * @param contributor who is paid for it, and who signs
 * @param sequence the contributor's per-bounty sequence number (0, 1, ...), below the bounty's limit
 * @param deadline unix seconds: the relayer must post it in a batch before this, else it never counts
 */
public record RelayedSubmission(long chainId, String market, BigInteger bountyId, byte[] commitment, String contributor,
        int sequence, long deadline) {

    /** The EIP-712 domain's name and version, as the contract's constructor sets them. */
    public static final String DOMAIN_NAME = "BountyMarket";
    public static final String DOMAIN_VERSION = "2";

    /** secp256k1's group order n; a signature's s must be at most n / 2 (EIP-2). */
    private static final BigInteger HALF_ORDER = Sign.CURVE_PARAMS.getN().shiftRight(1);

    public RelayedSubmission {
        if (commitment.length != 32) {
            throw new IllegalArgumentException("a commitment is 32 bytes, not " + commitment.length);
        }
        if (sequence < 0 || sequence > 0xffff) {
            throw new IllegalArgumentException("the sequence number must fit in 16 bits, not " + sequence);
        }
        if (deadline <= 0) {
            throw new IllegalArgumentException("the deadline must be a positive unix time, not " + deadline);
        }
        commitment = commitment.clone();
        market = market.toLowerCase(Locale.ROOT);
        contributor = contributor.toLowerCase(Locale.ROOT);
    }

    @Override
    public byte[] commitment() {
        return commitment.clone();
    }

    /** The commitment of a model to a contributor: keccak256(abi.encode(modelSha256, contributor)). */
    public static byte[] commitment(byte[] modelSha256, String contributor) {
        byte[] encoded = new byte[64];
        System.arraycopy(modelSha256, 0, encoded, 0, 32);
        byte[] address = Numeric.hexStringToByteArray(contributor);
        System.arraycopy(address, 0, encoded, 64 - address.length, address.length);
        return Hash.sha3(encoded);
    }

    /** The typed data for {@code eth_signTypedData_v4} (JSON), numbers as decimal strings. */
    public String typedDataJson() {
        return """
                {"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},\
                {"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],\
                "Submission":[{"name":"bounty","type":"uint256"},{"name":"commitment","type":"bytes32"},\
                {"name":"contributor","type":"address"},{"name":"sequence","type":"uint16"},\
                {"name":"deadline","type":"uint64"}]},\
                "primaryType":"Submission",\
                "domain":{"name":"%s","version":"%s","chainId":"%d","verifyingContract":"%s"},\
                "message":{"bounty":"%s","commitment":"%s","contributor":"%s","sequence":"%d","deadline":"%d"}}"""
                .formatted(DOMAIN_NAME, DOMAIN_VERSION, chainId, market, bountyId, Numeric.toHexString(commitment),
                        contributor, sequence, deadline);
    }

    /** The EIP-712 digest the contributor signs: keccak256("\x19\x01" || domainSeparator || structHash). */
    public byte[] digest() {
        try {
            return new StructuredDataEncoder(typedDataJson()).hashStructuredData();
        } catch (IOException e) {
            throw new UncheckedIOException("encoding the typed data of a relayed submission", e);
        }
    }

    /**
     * The address that signed {@code digest}, or an exception saying why the signature is refused. The contract's
     * rules: 65 bytes r || s || v, v 27 or 28 (0 and 1, which some wallets return, are read as 27 and 28 by
     * {@link #normalize}), s in the lower half of the curve order.
     */
    public static String signer(byte[] digest, byte[] signature) throws SignatureException {
        if (signature.length != 65) {
            throw new SignatureException("a signature is 65 bytes (r, s, v), not " + signature.length);
        }
        int v = signature[64] & 0xff;
        if (v != 27 && v != 28) {
            throw new SignatureException("the signature's v must be 27 or 28, not " + v);
        }
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
        if (s.signum() == 0 || s.compareTo(HALF_ORDER) > 0) {
            throw new SignatureException("the signature's s is not in the lower half of the curve order (EIP-2)");
        }
        var data = new Sign.SignatureData((byte) v, Arrays.copyOfRange(signature, 0, 32),
                Arrays.copyOfRange(signature, 32, 64));
        BigInteger key = Sign.signedMessageHashToKey(digest, data);
        return Numeric.prependHexPrefix(Keys.getAddress(key)).toLowerCase(Locale.ROOT);
    }

    /** A wallet's signature with v 0/1 turned into 27/28; anything else is returned as it is. */
    public static byte[] normalize(byte[] signature) {
        byte[] copy = signature.clone();
        if (copy.length == 65 && (copy[64] == 0 || copy[64] == 1)) {
            copy[64] += 27;
        }
        return copy;
    }

    /** Leaf {@code leafIndex} of a batch: keccak256(keccak256(abi.encode(leafIndex, digest))). */
    public static byte[] leaf(int leafIndex, byte[] digest) {
        byte[] encoded = new byte[64];
        byte[] index = Numeric.toBytesPadded(BigInteger.valueOf(leafIndex), 32);
        System.arraycopy(index, 0, encoded, 0, 32);
        System.arraycopy(digest, 0, encoded, 32, 32);
        return Hash.sha3(Hash.sha3(encoded));
    }
}
