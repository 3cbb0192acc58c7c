package dev.bountymarket.cli.audit;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.web3j.abi.EventEncoder;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.crypto.Hash;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.utils.Numeric;

import dev.bountymarket.cli.CliException;
import dev.bountymarket.cli.ExitCodes;
import dev.bountymarket.contracts.BountyMarket;
import dev.bountymarket.contracts.relay.RelayedSubmission;

/**
 * What the chain says about one bounty, read straight from the contract over JSON-RPC: its terms and hashes, every
 * submission commitment, the test-set reveal, and the ranked entries of the results now in force (the last
 * {@code ResultsProposed} or {@code ResultsOverturned}, whose {@code ResultRanked} events precede it in the same
 * transaction). Nothing here comes from the marketplace's server.
 */
public record ChainFacts(String market, BigInteger bountyId, int status, String sponsor, String evaluator,
        String arbiter, boolean higherIsBetter, boolean confidential, String specHash, String testSetCommitment,
        String reportHash, List<String> commitments, Optional<Reveal> reveal, List<Ranked> ranked, long chainId,
        List<Batch> batches, Map<Integer, RelayProof> relayProofs) {

    /** Without relayed submissions: no batches, no relay proofs. */
    public ChainFacts(String market, BigInteger bountyId, int status, String sponsor, String evaluator, String arbiter,
            boolean higherIsBetter, boolean confidential, String specHash, String testSetCommitment, String reportHash,
            List<String> commitments, Optional<Reveal> reveal, List<Ranked> ranked) {
        this(market, bountyId, status, sponsor, evaluator, arbiter, higherIsBetter, confidential, specHash,
                testSetCommitment, reportHash, commitments, reveal, ranked, 0, List.of(), Map.of());
    }

    /** A batch of relayed submissions as its BatchPosted event announced it: indexes firstIndex to firstIndex + leafCount - 1. */
    public record Batch(int firstIndex, int leafCount, String root, long postedAt) {
        public boolean holds(int submissionIndex) {
            return submissionIndex >= firstIndex && submissionIndex - firstIndex < leafCount;
        }
    }

    /**
     * The relay proof of a ranked entry, as the results transaction in force carried it in its calldata
     * ({@code proposeResultsWithProofs} / {@code overturnResultsWithProofs}); {@code signature} is r || s || v.
     */
    public record RelayProof(int rank, int batchFirstIndex, int batchLeafCount, long batchPostedAt, int sequence,
            long deadline, byte[] signature, List<byte[]> proof) {
    }

    /** The batch that holds {@code submissionIndex}, if it was relayed. */
    public Optional<Batch> batchOf(int submissionIndex) {
        return batches.stream().filter(b -> b.holds(submissionIndex)).findFirst();
    }

    static final String[] STATUS = {"None", "Open", "Closed", "Proposed", "Disputed", "Resolved", "Finalized",
            "Cancelled", "Expired"};

    /** The opened test-set commitment: the file's sha256 and the salt (0x hex). */
    public record Reveal(String testSetSha256, String salt) {
    }

    /** One ranked entry as posted on-chain. */
    public record Ranked(int rank, int submissionIndex, String contributor, String modelSha256, long score,
            boolean paid) {
    }

    public String statusName() {
        return status < STATUS.length ? STATUS[status] : "status " + status;
    }

    public static ChainFacts read(Web3j web3j, String market, BigInteger bountyId) {
        return read(web3j, market, bountyId, 0);
    }

    /** @param fromBlock the first block whose events are read: 0, or the contract's deployment block */
    public static ChainFacts read(Web3j web3j, String market, BigInteger bountyId, long fromBlock) {
        BountyMarket contract = BountyMarket.load(market, web3j, new ReadonlyTransactionManager(web3j, market),
                new DefaultGasProvider());
        try {
            BountyMarket.BountyInfo info = contract.getBounty(bountyId).send();
            if (info.status.intValue() == 0) {
                throw new CliException(ExitCodes.REMOTE, "the contract " + market + " has no bounty " + bountyId);
            }
            List<String> commitments = new ArrayList<>();
            for (int i = 0; i < info.submissionCount.intValue(); i++) {
                commitments.add(hex(contract.getCommitment(bountyId, BigInteger.valueOf(i)).send()));
            }
            List<Log> logs = logs(web3j, market, bountyId, fromBlock);
            Optional<Reveal> reveal = logs.stream()
                    .filter(l -> topic(l, BountyMarket.TESTSETREVEALED_EVENT))
                    .map(BountyMarket::getTestSetRevealedEventFromLog)
                    .map(e -> new Reveal(hex(e.testSetSha256), hex(e.salt)))
                    .reduce((first, second) -> second);
            Optional<Log> inForce = logs.stream().filter(l -> topic(l, BountyMarket.RESULTSPROPOSED_EVENT)
                    || topic(l, BountyMarket.RESULTSOVERTURNED_EVENT)).reduce((first, second) -> second);
            List<Batch> batches = logs.stream().filter(l -> topic(l, BountyMarket.BATCHPOSTED_EVENT))
                    .map(BountyMarket::getBatchPostedEventFromLog)
                    .map(e -> new Batch(e.firstIndex.intValueExact(), e.leafCount.intValueExact(), hex(e.root),
                            e.postedAt.longValueExact())).toList();
            Map<Integer, RelayProof> relayProofs = inForce.isPresent() && !batches.isEmpty()
                    ? relayProofs(web3j, contract, inForce.get().getTransactionHash()) : Map.of();
            long chainId = web3j.ethChainId().send().getChainId().longValueExact();
            List<Ranked> ranked = inForce.map(last -> logs.stream()
                    .filter(l -> l.getTransactionHash().equals(last.getTransactionHash())
                            && topic(l, BountyMarket.RESULTRANKED_EVENT))
                    .map(BountyMarket::getResultRankedEventFromLog)
                    .map(e -> new Ranked(e.rank.intValue(), e.submissionIndex.intValue(),
                            e.contributor.toLowerCase(Locale.ROOT), hex(e.modelSha256), e.score.longValueExact(), e.paid))
                    .sorted(Comparator.comparingInt(Ranked::rank)).toList()).orElse(List.of());
            return new ChainFacts(market.toLowerCase(Locale.ROOT), bountyId, info.status.intValue(),
                    info.sponsor.toLowerCase(Locale.ROOT), info.evaluator.toLowerCase(Locale.ROOT),
                    info.arbiter.toLowerCase(Locale.ROOT), info.metricDirection.intValue() == 0,
                    info.revealPolicy.intValue() == 1, hex(info.specHash), hex(info.testSetCommitment),
                    hex(info.reportHash), commitments, reveal, ranked, chainId, batches, relayProofs);
        } catch (CliException e) {
            throw e;
        } catch (Exception e) {
            // web3j's send() declares Exception
            throw new CliException(ExitCodes.REMOTE, "cannot read bounty " + bountyId + " from the contract " + market
                    + ": " + e.getMessage(), e);
        }
    }

    /** Blocks per eth_getLogs call when a provider refuses the whole chain in one (many cap the range). */
    static final long LOG_RANGE = 10_000;

    /**
     * The bounty's events (its id is their first indexed topic) from {@code fromBlock} (0, or the contract's deployment
     * block) to the latest block: in one call, or, when the provider refuses so long a range, in bounded ranges.
     */
    private static List<Log> logs(Web3j web3j, String market, BigInteger bountyId, long fromBlock) throws IOException {
        long latest = web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
        List<Log> logs = new ArrayList<>();
        EthLog whole = web3j.ethGetLogs(filter(market, bountyId, fromBlock, latest)).send();
        if (!whole.hasError()) {
            addAll(logs, whole);
        } else {
            String refusal = whole.getError().getMessage();
            for (long from = fromBlock; from <= latest; from += LOG_RANGE) {
                EthLog part = web3j.ethGetLogs(filter(market, bountyId, from, Math.min(latest, from + LOG_RANGE - 1)))
                        .send();
                if (part.hasError()) {
                    throw new CliException(ExitCodes.REMOTE, "the chain refused eth_getLogs from block " + fromBlock
                            + " (" + refusal + "), and for blocks " + from + " on in ranges of " + LOG_RANGE + " ("
                            + part.getError().getMessage() + "); give --from-block with the contract's deployment block");
                }
                addAll(logs, part);
            }
        }
        logs.sort(Comparator.comparing(Log::getBlockNumber).thenComparing(Log::getLogIndex));
        return logs;
    }

    private static EthFilter filter(String market, BigInteger bountyId, long from, long to) {
        EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(from)),
                DefaultBlockParameter.valueOf(BigInteger.valueOf(to)), market);
        filter.addSingleTopic(null);
        filter.addSingleTopic(Numeric.toHexStringWithPrefixZeroPadded(bountyId, 64));
        return filter;
    }

    private static void addAll(List<Log> logs, EthLog answer) {
        for (EthLog.LogResult<?> result : answer.getLogs()) {
            logs.add((Log) result.get());
        }
    }

    /**
     * The relay proofs the results transaction carried, by rank, read from its calldata on the chain (never from the
     * server): none when it was a plain proposeResults / overturnResults.
     */
    private static Map<Integer, RelayProof> relayProofs(Web3j web3j, BountyMarket contract, String txHash)
            throws IOException {
        String input = web3j.ethGetTransactionByHash(txHash).send().getTransaction()
                .orElseThrow(() -> new CliException(ExitCodes.REMOTE, "the chain does not return the results transaction "
                        + txHash))
                .getInput();
        String propose = contract.proposeResultsWithProofs(BigInteger.ZERO, List.of(), List.of(), new byte[32])
                .encodeFunctionCall().substring(0, 10);
        String overturn = contract.overturnResultsWithProofs(BigInteger.ZERO, List.of(), List.of(), new byte[32])
                .encodeFunctionCall().substring(0, 10);
        String selector = input.length() >= 10 ? input.substring(0, 10).toLowerCase(Locale.ROOT) : "";
        if (!selector.equals(propose) && !selector.equals(overturn)) {
            return Map.of();
        }
        try {
            return decodeProofs(input.substring(10));
        } catch (RuntimeException e) {
            throw new CliException(ExitCodes.REMOTE, "the results transaction " + txHash + " has relay proofs this"
                    + " audit cannot read: " + e.getMessage());
        }
    }

    /**
     * The RelayProof[] argument (the third) of (uint256, ResultEntry[], RelayProof[], bytes32), ABI-encoded in
     * {@code hex}: an array of dynamic tuples, each nine words and the offset of its bytes32[] proof.
     */
    static Map<Integer, RelayProof> decodeProofs(String hex) {
        int array = offset(hex, 0, 2);
        int count = intWord(hex, array, 0);
        Map<Integer, RelayProof> proofs = new java.util.HashMap<>();
        int content = array + 64;
        for (int i = 0; i < count; i++) {
            int tuple = content + offset(hex, content, i);
            byte[] signature = new byte[65];
            System.arraycopy(Numeric.hexStringToByteArray(word(hex, tuple, 7)), 0, signature, 0, 32);
            System.arraycopy(Numeric.hexStringToByteArray(word(hex, tuple, 8)), 0, signature, 32, 32);
            signature[64] = (byte) intWord(hex, tuple, 6);
            int path = tuple + offset(hex, tuple, 9);
            int length = intWord(hex, path, 0);
            List<byte[]> siblings = new ArrayList<>();
            for (int j = 0; j < length; j++) {
                siblings.add(Numeric.hexStringToByteArray(word(hex, path, 1 + j)));
            }
            RelayProof proof = new RelayProof(intWord(hex, tuple, 0), intWord(hex, tuple, 1), intWord(hex, tuple, 2),
                    new BigInteger(word(hex, tuple, 3), 16).longValueExact(), intWord(hex, tuple, 4),
                    new BigInteger(word(hex, tuple, 5), 16).longValueExact(), signature, siblings);
            proofs.put(proof.rank(), proof);
        }
        return proofs;
    }

    private static String word(String hex, int start, int index) {
        return hex.substring(start + index * 64, start + index * 64 + 64);
    }

    private static int intWord(String hex, int start, int index) {
        return new BigInteger(word(hex, start, index), 16).intValueExact();
    }

    /** A byte offset in word {@code index} from {@code start}, as a position in the hex string (relative to start). */
    private static int offset(String hex, int start, int index) {
        return intWord(hex, start, index) * 2;
    }

    private static boolean topic(Log log, org.web3j.abi.datatypes.Event event) {
        return !log.getTopics().isEmpty() && log.getTopics().get(0).equalsIgnoreCase(EventEncoder.encode(event));
    }

    static String hex(byte[] bytes) {
        return Numeric.toHexString(bytes).toLowerCase(Locale.ROOT);
    }

    /** keccak256(abi.encode(bytes32 modelSha256, address contributor)): a submission's commitment. */
    public static String submissionCommitment(String modelSha256, String contributor) {
        return hex(RelayedSubmission.commitment(Numeric.hexStringToByteArray(modelSha256), contributor));
    }


    /** keccak256(abi.encode(bytes32 testSetSha256, bytes32 salt)): the test-set commitment. */
    public static String testSetCommitment(String testSetSha256, String salt) {
        String encoded = TypeEncoder.encode(new Bytes32(Numeric.hexStringToByteArray(testSetSha256)))
                + TypeEncoder.encode(new Bytes32(Numeric.hexStringToByteArray(salt)));
        return hex(Hash.sha3(Numeric.hexStringToByteArray(encoded)));
    }

}
