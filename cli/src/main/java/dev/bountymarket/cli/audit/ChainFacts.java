package dev.bountymarket.cli.audit;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.web3j.abi.EventEncoder;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.crypto.Hash;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.utils.Numeric;

import dev.bountymarket.cli.CliException;
import dev.bountymarket.cli.ExitCodes;
import dev.bountymarket.contracts.BountyMarket;

/**
 * What the chain says about one bounty, read straight from the contract over JSON-RPC: its terms and hashes, every
 * submission commitment, the test-set reveal, and the ranked entries of the results now in force (the last
 * {@code ResultsProposed} or {@code ResultsOverturned}, whose {@code ResultRanked} events precede it in the same
 * transaction). Nothing here comes from the marketplace's server.
 */
public record ChainFacts(String market, BigInteger bountyId, int status, String sponsor, String evaluator,
        String arbiter, boolean higherIsBetter, boolean confidential, String specHash, String testSetCommitment,
        String reportHash, List<String> commitments, Optional<Reveal> reveal, List<Ranked> ranked) {

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
            List<Log> logs = logs(web3j, market, bountyId);
            Optional<Reveal> reveal = logs.stream()
                    .filter(l -> topic(l, BountyMarket.TESTSETREVEALED_EVENT))
                    .map(BountyMarket::getTestSetRevealedEventFromLog)
                    .map(e -> new Reveal(hex(e.testSetSha256), hex(e.salt)))
                    .reduce((first, second) -> second);
            Optional<Log> inForce = logs.stream().filter(l -> topic(l, BountyMarket.RESULTSPROPOSED_EVENT)
                    || topic(l, BountyMarket.RESULTSOVERTURNED_EVENT)).reduce((first, second) -> second);
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
                    hex(info.reportHash), commitments, reveal, ranked);
        } catch (CliException e) {
            throw e;
        } catch (Exception e) {
            // web3j's send() declares Exception
            throw new CliException(ExitCodes.REMOTE, "cannot read bounty " + bountyId + " from the contract " + market
                    + ": " + e.getMessage(), e);
        }
    }

    private static List<Log> logs(Web3j web3j, String market, BigInteger bountyId) throws IOException {
        EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.ZERO), DefaultBlockParameterName.LATEST,
                market);
        filter.addSingleTopic(null);
        filter.addSingleTopic(Numeric.toHexStringWithPrefixZeroPadded(bountyId, 64));
        EthLog answer = web3j.ethGetLogs(filter).send();
        if (answer.hasError()) {
            throw new CliException(ExitCodes.REMOTE, "the chain refused eth_getLogs: " + answer.getError().getMessage());
        }
        List<Log> logs = new ArrayList<>();
        for (EthLog.LogResult<?> result : answer.getLogs()) {
            logs.add((Log) result.get());
        }
        logs.sort(Comparator.comparing(Log::getBlockNumber).thenComparing(Log::getLogIndex));
        return logs;
    }

    private static boolean topic(Log log, org.web3j.abi.datatypes.Event event) {
        return !log.getTopics().isEmpty() && log.getTopics().get(0).equalsIgnoreCase(EventEncoder.encode(event));
    }

    static String hex(byte[] bytes) {
        return Numeric.toHexString(bytes).toLowerCase(Locale.ROOT);
    }

    /** keccak256(abi.encode(bytes32 modelSha256, address contributor)): a submission's commitment. */
    public static String submissionCommitment(String modelSha256, String contributor) {
        String encoded = TypeEncoder.encode(new Bytes32(Numeric.hexStringToByteArray(modelSha256)))
                + TypeEncoder.encode(new org.web3j.abi.datatypes.Address(contributor));
        return hex(Hash.sha3(Numeric.hexStringToByteArray(encoded)));
    }

    /** keccak256(abi.encode(bytes32 testSetSha256, bytes32 salt)): the test-set commitment. */
    public static String testSetCommitment(String testSetSha256, String salt) {
        String encoded = TypeEncoder.encode(new Bytes32(Numeric.hexStringToByteArray(testSetSha256)))
                + TypeEncoder.encode(new Bytes32(Numeric.hexStringToByteArray(salt)));
        return hex(Hash.sha3(Numeric.hexStringToByteArray(encoded)));
    }

}
