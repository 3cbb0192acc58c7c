package dev.bountymarket.contracts.relay;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.web3j.crypto.Hash;

/**
 * The Merkle tree of one batch, as the contract checks it (OpenZeppelin's {@code MerkleProof}): leaf i is
 * {@link RelayedSubmission#leaf}(i, digest i), an inner node hashes its two children sorted, and an odd node at the end
 * of a level moves up unchanged. A one-leaf tree's root is its leaf. solidity/test/utils/RelayFixture.sol builds the
 * same tree.
 */
public final class RelayTree {

    private final List<byte[][]> levels = new ArrayList<>();

    /** @param digests the EIP-712 digests of the batch's signed submissions, in leaf order (at least one) */
    public RelayTree(List<byte[]> digests) {
        if (digests.isEmpty()) {
            throw new IllegalArgumentException("a batch has at least one leaf");
        }
        byte[][] level = new byte[digests.size()][];
        for (int i = 0; i < level.length; i++) {
            level[i] = RelayedSubmission.leaf(i, digests.get(i));
        }
        levels.add(level);
        while (level.length > 1) {
            byte[][] next = new byte[(level.length + 1) / 2][];
            for (int i = 0; i < level.length; i += 2) {
                next[i / 2] = i + 1 < level.length ? hashPair(level[i], level[i + 1]) : level[i];
            }
            levels.add(next);
            level = next;
        }
    }

    public int size() {
        return levels.get(0).length;
    }

    public byte[] root() {
        return levels.get(levels.size() - 1)[0].clone();
    }

    /** The sibling hashes from leaf {@code index} up to the root. */
    public List<byte[]> proof(int index) {
        if (index < 0 || index >= size()) {
            throw new IndexOutOfBoundsException("leaf " + index + " of a batch of " + size());
        }
        List<byte[]> proof = new ArrayList<>();
        for (int depth = 0; depth < levels.size() - 1; depth++) {
            byte[][] level = levels.get(depth);
            int sibling = index ^ 1;
            if (sibling < level.length) {
                proof.add(level[sibling].clone());
            }
            index /= 2;
        }
        return proof;
    }

    /** The root a proof leads to from a leaf (what the contract computes). */
    public static byte[] rootOf(byte[] leaf, List<byte[]> proof) {
        byte[] node = leaf;
        for (byte[] sibling : proof) {
            node = hashPair(node, sibling);
        }
        return node;
    }

    private static byte[] hashPair(byte[] a, byte[] b) {
        boolean ordered = Arrays.compareUnsigned(a, b) < 0;
        byte[] both = new byte[64];
        System.arraycopy(ordered ? a : b, 0, both, 0, 32);
        System.arraycopy(ordered ? b : a, 0, both, 32, 32);
        return Hash.sha3(both);
    }
}
