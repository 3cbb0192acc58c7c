package dev.bountymarket.bounty;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

import dev.bountymarket.bounty.BountyException.Code;
import dev.bountymarket.chain.Addresses;
import dev.bountymarket.chain.Amounts;
import dev.bountymarket.chain.ChainClock;
import dev.bountymarket.chain.ContractDeployment;
import dev.bountymarket.chain.ContractRegistry;
import dev.bountymarket.chain.Erc20Tokens;
import dev.bountymarket.chain.Transactions;
import dev.bountymarket.chain.WalletTransaction;
import dev.bountymarket.contracts.BountyMarket;
import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.dataset.Batch;
import dev.bountymarket.evaluator.dataset.LiveSplit;
import dev.bountymarket.evaluator.dataset.BatchSource;
import dev.bountymarket.evaluator.dataset.TestSets;
import dev.bountymarket.evaluator.spec.BountySpec;
import dev.bountymarket.keeper.KeeperSender;
import dev.bountymarket.storage.StorageConfig;
import dev.bountymarket.storage.StoredObject;
import dev.bountymarket.storage.Upload;
import dev.bountymarket.storage.Uploads;

/**
 * A sponsor's bounty before it is on the chain: the spec, the public sample and the hidden test set, checked and
 * stored (the test set encrypted), and the test-set commitment {@code keccak256(abi.encode(sha256, salt))} with a
 * fresh salt. The sponsor's wallet then sends createBounty; the BountyCreated event turns the draft into an open
 * bounty.
 */
@ApplicationScoped
public class DraftService {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    Uploads uploads;

    @Inject
    StorageConfig storage;

    @Inject
    ContractRegistry registry;

    @Inject
    Transactions transactions;

    @Inject
    Erc20Tokens tokens;

    @Inject
    KeeperSender keeper;

    @Inject
    ChainClock clock;

    /** The drafting form's fields. */
    public record Draft(String title, String description, String spec, Upload publicSample, Upload testSet,
            String publicSampleSha256, String testSetSha256) {
    }

    /** What the sponsor funds, from the create-bounty form. Amounts are strings of wei or token units. */
    public record Terms(String token, String amount, Long threshold, List<Integer> shares, Long submissionDeadline,
            Long evaluationDeadline, Long challengeWindowSeconds, String arbiter, Integer maxSubmissionsPerContributor,
            String challengeBond, String revealPolicy) {
    }

    @Transactional
    public Bounty create(String sponsor, Draft draft) {
        String title = required(draft.title(), "title");
        if (title.length() > 200) {
            throw invalid("title", "The title is " + title.length() + " characters; at most 200");
        }
        BountySpec spec = parseSpec(draft.spec());
        byte[] salt = new byte[32];
        RANDOM.nextBytes(salt);
        LiveSplit split = new LiveSplit(salt, spec.liveBoard().sharePercent());
        // Both files are checked before either is stored: a rejected draft leaves nothing behind.
        uploads.check(draft.testSet(), "testSet", storage.maxTestSetBytes(), draft.testSetSha256(),
                file -> checkTestSet(spec, file, draft.testSet().fileName(), "testSet", "hidden test set", split));
        StoredObject sample = uploads.store(draft.publicSample(), "publicSample", storage.maxTestSetBytes(), false,
                draft.publicSampleSha256(), file -> checkTestSet(spec, file, draft.publicSample().fileName(),
                        "publicSample", "public sample", null));
        StoredObject testSet = uploads.store(draft.testSet(), "testSet", storage.maxTestSetBytes(), true, null,
                file -> { });

        byte[] opened = new byte[64];
        System.arraycopy(Numeric.hexStringToByteArray(testSet.sha256()), 0, opened, 0, 32);
        System.arraycopy(salt, 0, opened, 32, 32);

        ContractDeployment contract = registry.current();
        Bounty bounty = new Bounty();
        bounty.chainId = contract.chainId;
        bounty.contract = contract.address;
        bounty.sponsor = sponsor;
        bounty.title = title;
        bounty.description = draft.description() == null ? "" : draft.description().strip();
        bounty.specJson = spec.canonicalJson();
        bounty.specHash = spec.hash();
        bounty.task = spec.task().wireName();
        bounty.metric = spec.metric().wireName();
        bounty.higherIsBetter = spec.metric().higherIsBetter();
        bounty.testSetKey = testSet.key();
        bounty.testSetSha256 = testSet.sha256();
        bounty.testSetSize = testSet.size();
        bounty.testSetSalt = Numeric.toHexStringNoPrefix(salt);
        bounty.testSetCommitment = Numeric.toHexString(Hash.sha3(opened));
        bounty.publicSampleKey = sample.key();
        bounty.publicSampleSha256 = sample.sha256();
        bounty.publicSampleSize = sample.size();
        bounty.status = BountyStatus.DRAFT;
        bounty.createdAt = Instant.now();
        bounty.updatedAt = bounty.createdAt;
        bounty.persist();
        return bounty;
    }

    /** The sponsor's draft, still off the chain and not deleted: what the form resumes from. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Bounty draft(long id, String caller) {
        Bounty bounty = Bounty.findById(id);
        if (bounty == null || !bounty.sponsor.equals(caller) || bounty.deletedAt != null) {
            throw new BountyException(Code.BOUNTY_NOT_FOUND, "You have no draft " + id);
        }
        if (bounty.status != BountyStatus.DRAFT) {
            throw new BountyException(Code.NOT_NOW, "Bounty " + id + " is already on the chain");
        }
        return bounty;
    }

    /**
     * Removes a draft from its sponsor's lists. The row, the salt and the files stay: a createBounty transaction
     * already sent may still be mined, and the indexer must then find the draft to reveal its test set.
     */
    @Transactional
    public void delete(long id, String caller) {
        draft(id, caller).deletedAt = Instant.now();
    }

    /** The sponsor's createBounty transaction for a draft, after the checks the contract would make. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public WalletTransaction createTransaction(long id, String caller, Terms terms) {
        Bounty bounty = Bounty.findById(id);
        if (bounty == null) {
            throw new BountyException(Code.BOUNTY_NOT_FOUND, "There is no bounty " + id);
        }
        if (!bounty.sponsor.equals(caller)) {
            throw new BountyException(Code.FORBIDDEN, "Only the sponsor " + bounty.sponsor + " can fund this draft");
        }
        if (bounty.status != BountyStatus.DRAFT) {
            throw new BountyException(Code.NOT_NOW, "Bounty " + id + " is already on the chain");
        }
        if (terms == null) {
            throw invalid("send the bounty's terms as JSON");
        }
        String evaluator = keeper.account().map(c -> c.getAddress()).orElseThrow(() -> new BountyException(
                Code.NOT_NOW, "This marketplace has no evaluator key configured (keeper.private-key), so it cannot"
                        + " evaluate new bounties"));
        // Every term is checked before any answer, so the sponsor sees all that is wrong at once, each beside its field.
        Map<String, String> errors = new LinkedHashMap<>();
        String token = Amounts.ETH;
        if (terms.token() != null && !terms.token().isBlank() && !terms.token().strip().equalsIgnoreCase("ETH")) {
            token = Addresses.parse(terms.token()).orElse(null);
            if (token == null) {
                errors.put("token", "the token must be ETH or an address (0x and 40 hex digits), not '" + terms.token() + "'");
            } else if (!token.equals(Amounts.ETH) && tokens.describe(token).isEmpty()) {
                errors.put("token", "token " + token + " is not an ERC-20 token on this chain (no contract there answers"
                        + " decimals() and totalSupply()); leave it empty or \"ETH\" for a reward in ether");
            }
        }
        BigInteger amount = positive(terms.amount(), "amount", "the reward", errors);
        List<Integer> shares = terms.shares() == null || terms.shares().isEmpty() ? List.of(10_000) : terms.shares();
        if (shares.size() > 10 || shares.stream().anyMatch(s -> s == null || s <= 0)
                || shares.stream().mapToInt(Integer::intValue).sum() != 10_000) {
            errors.put("shares", "shares are the paid ranks' parts in basis points: 1 to 10 positive numbers summing to"
                    + " 10000, not " + shares);
        }
        long now = clock.now().getEpochSecond();
        Long submissionDeadline = terms.submissionDeadline();
        Long evaluationDeadline = terms.evaluationDeadline();
        if (submissionDeadline == null) {
            errors.put("submissionDeadline", "the submission deadline is required");
        } else if (submissionDeadline <= now) {
            errors.put("submissionDeadline", "the submission deadline " + Instant.ofEpochSecond(submissionDeadline)
                    + " has passed (chain time is " + Instant.ofEpochSecond(now) + ")");
        }
        if (evaluationDeadline == null) {
            errors.put("evaluationDeadline", "the evaluation deadline is required");
        } else if (submissionDeadline != null && evaluationDeadline <= submissionDeadline) {
            errors.put("evaluationDeadline", "the evaluation deadline must come after the submission deadline");
        }
        long window = terms.challengeWindowSeconds() == null ? 86_400 : terms.challengeWindowSeconds();
        if (window < 3_600 || window > 30 * 86_400) {
            errors.put("challengeWindowSeconds",
                    "the challenge window must be between 1 hour and 30 days (3600 to 2592000 seconds)");
        }
        String arbiter = null;
        if (terms.arbiter() == null || terms.arbiter().isBlank()) {
            errors.put("arbiter", "the arbiter is required: the address that settles a challenge of the results");
        } else {
            arbiter = Addresses.parse(terms.arbiter()).orElse(null);
            if (arbiter == null) {
                errors.put("arbiter", "the arbiter must be an address (0x and 40 hex digits), not '" + terms.arbiter() + "'");
            } else if (arbiter.equals(evaluator.toLowerCase(Locale.ROOT)) || arbiter.equals(Amounts.ETH)) {
                errors.put("arbiter", "the arbiter must be someone other than the marketplace's evaluator " + evaluator);
            }
        }
        int maxSubmissions = terms.maxSubmissionsPerContributor() == null ? 5 : terms.maxSubmissionsPerContributor();
        if (maxSubmissions < 1 || maxSubmissions > 65_535) {
            errors.put("maxSubmissionsPerContributor", "maxSubmissionsPerContributor must be between 1 and 65535");
        }
        BigInteger bond = positive(terms.challengeBond(), "challengeBond", "the challenge bond", errors);
        String reveal = terms.revealPolicy() == null ? "public" : terms.revealPolicy();
        if (!reveal.equals("public") && !reveal.equals("confidential")) {
            errors.put("revealPolicy", "revealPolicy must be public or confidential, not '" + reveal + "'");
        }
        if (!errors.isEmpty()) {
            throw new BountyException(Code.INVALID_REQUEST, (errors.size() == 1 ? "One term is" : errors.size()
                    + " terms are") + " wrong: " + String.join("; ", errors.values()), errors);
        }
        BountyMarket.BountyParams params = new BountyMarket.BountyParams(token, amount,
                Numeric.hexStringToByteArray(bounty.testSetCommitment), Numeric.hexStringToByteArray(bounty.specHash),
                BigInteger.valueOf(Boolean.FALSE.equals(bounty.higherIsBetter) ? 1 : 0),
                BigInteger.valueOf(terms.threshold() == null ? 0 : terms.threshold()),
                BigInteger.valueOf(reveal.equals("public") ? 0 : 1), BigInteger.valueOf(submissionDeadline),
                BigInteger.valueOf(evaluationDeadline), BigInteger.valueOf(window), evaluator, arbiter,
                BigInteger.valueOf(maxSubmissions), bond);
        return transactions.createBounty(params, shares.stream().map(BigInteger::valueOf).toList(), caller,
                "Create and fund \"" + bounty.title + "\" with " + Amounts.text(amount, token));
    }

    private static BountySpec parseSpec(String json) {
        try {
            return BountySpec.parse(required(json, "spec"));
        } catch (EvaluationException e) {
            throw invalid("spec", "The spec is not valid: " + e.getMessage());
        }
    }

    /**
     * Reads the whole file as the evaluator will, within the evaluator's limits on a test set, so a malformed row, an
     * image too large to decode or a decompression bomb is refused now, to the sponsor, and never reaches a
     * contributor. Messages name the file as the sponsor sent it, not the temporary file it was saved to. With a split
     * (the hidden test set), both of its parts must have rows: the live board scores one, the results the other.
     */
    private static void checkTestSet(BountySpec spec, Path file, String fileName, String field, String what,
            LiveSplit split) {
        String shownName = fileName == null || fileName.isBlank() ? what : fileName;
        try (BatchSource source = TestSets.open(file, shownName, spec)) {
            Batch batch = new Batch(1024, spec.input().rowWidth(), spec.task().isClassification());
            long rows = 0;
            long live = 0;
            while (source.fill(batch)) {
                for (int i = 0; split != null && i < batch.size(); i++) {
                    live += split.isLive(batch.firstRow() + i) ? 1 : 0;
                }
                rows += batch.size();
            }
            if (rows == 0) {
                throw invalid(field, "The " + what + " " + shownName + " has no rows");
            }
            if (split != null && (live == 0 || live == rows)) {
                throw invalid(field, "The " + what + " " + shownName + " is refused: its " + rows + " rows all fell in one part ("
                        + live + " live, " + (rows - live) + " private; the live board scores about "
                        + split.sharePercent() + " % of the rows, the results the rest). Add rows so that both"
                        + " parts have some.");
            }
        } catch (EvaluationException e) {
            throw invalid(field, "The " + what + " is refused: " + e.getMessage());
        }
    }

    private static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw invalid(field, field + " is required");
        }
        return value.strip();
    }

    /** A positive whole number of wei or token units; else null, with the field's message added to errors. */
    private static BigInteger positive(String value, String field, String what, Map<String, String> errors) {
        if (value == null || value.isBlank()) {
            errors.put(field, what + " (" + field + ") is required");
            return null;
        }
        try {
            BigInteger n = new BigInteger(value.strip());
            if (n.signum() <= 0) {
                errors.put(field, what + " (" + field + ") must be positive");
                return null;
            }
            return n;
        } catch (NumberFormatException e) {
            errors.put(field, what + " (" + field + ") must be a whole number of wei or token units, as a string, not '"
                    + value + "'");
            return null;
        }
    }

    private static BountyException invalid(String message) {
        return new BountyException(Code.INVALID_REQUEST, message);
    }

    /** A wrong form field: the message, also keyed by the field so that the page shows it beside that field. */
    private static BountyException invalid(String field, String message) {
        return new BountyException(Code.INVALID_REQUEST, message, Map.of(field, message));
    }
}
