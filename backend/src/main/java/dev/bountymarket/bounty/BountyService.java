package dev.bountymarket.bounty;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.Tuple;
import jakarta.transaction.Transactional;

import dev.bountymarket.bounty.BountyException.Code;
import dev.bountymarket.chain.Amounts;
import dev.bountymarket.chain.ChainClock;
import dev.bountymarket.chain.ResultEvents;
import dev.bountymarket.chain.Transactions;
import dev.bountymarket.chain.WalletTransaction;
import dev.bountymarket.storage.StoredObject;
import dev.bountymarket.submission.LeaderboardEntry;
import dev.bountymarket.submission.Submission;
import dev.bountymarket.web.Page;
import io.quarkus.panache.common.Sort;

/** Finding bounties, their leaderboards, and preparing the wallet transactions their users may send now. */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class BountyService {

    @Inject
    Transactions transactions;

    @Inject
    ChainClock clock;

    @Inject
    PublicBoards publicBoards;

    /** What the browse page and GET /api/bounties ask for. */
    public record Query(String status, String task, String token, String search, String sort, int page, int size) {
    }

    public Page<BountyView> list(Query query) {
        requireReachable(query.page(), query.size());
        for (String text : new String[] {query.status(), query.task(), query.token(), query.search(), query.sort()}) {
            if (text != null && text.indexOf('\0') >= 0) {
                throw new BountyException(Code.INVALID_REQUEST, "A search or filter cannot contain the NUL character;"
                        + " remove it and search again");
            }
        }
        Instant now = clock.now();
        StringBuilder where = new StringBuilder("status <> :draft");
        Map<String, Object> params = new HashMap<>();
        params.put("draft", BountyStatus.DRAFT);
        if (query.status() != null && !query.status().isBlank()) {
            BountyStatus status = parseStatus(query.status());
            if (status == BountyStatus.OPEN || status == BountyStatus.CLOSED) {
                where.append(status == BountyStatus.OPEN ? " and status = :open and submissionDeadline > :now"
                        : " and status = :open and submissionDeadline <= :now");
                params.put("open", BountyStatus.OPEN);
                params.put("now", now);
            } else {
                where.append(" and status = :status");
                params.put("status", status);
            }
        }
        if (query.task() != null && !query.task().isBlank()) {
            where.append(" and task = :task");
            params.put("task", query.task());
        }
        if (query.token() != null && !query.token().isBlank()) {
            where.append(" and lower(token) = :token");
            params.put("token", query.token().equalsIgnoreCase("ETH") ? Amounts.ETH : query.token().toLowerCase(Locale.ROOT));
        }
        if (query.search() != null && !query.search().isBlank()) {
            // What the visitor types is looked for as written: % and _ are not wildcards.
            where.append(" and (lower(title) like :search escape '!' or lower(description) like :search escape '!')");
            params.put("search", "%" + query.search().toLowerCase(Locale.ROOT).replace("!", "!!").replace("%", "!%")
                    .replace("_", "!_") + "%");
        }
        Sort sort = switch (query.sort() == null ? "newest" : query.sort()) {
            case "deadline" -> Sort.ascending("submissionDeadline").and("id");
            case "reward" -> Sort.descending("reward").and("id");
            case "newest" -> Sort.descending("id");
            default -> throw new BountyException(Code.INVALID_REQUEST,
                    "sort must be newest, deadline or reward, not '" + query.sort() + "'");
        };
        var found = Bounty.<Bounty>find(where.toString(), sort, params).page(query.page(), query.size());
        List<BountyView> items = found.list().stream().map(b -> BountyView.of(b, now)).toList();
        return new Page<>(items, query.page(), query.size(), found.count());
    }

    /** A bounty as {@code viewer} may see it: a draft only by its sponsor (to anyone else it does not exist). */
    public BountyView get(long id, Optional<String> viewer) {
        return BountyView.of(visible(id, viewer), clock.now());
    }

    /**
     * A leaderboard page. The public (live) board ranks committed, uploaded models by their score on the hidden test
     * set's live part, live while the bounty is open (up to {@code leaderboard.refresh} late), never on the public
     * sample, whose labels are published; the private board is the ranking posted on-chain with the results, scored on
     * the rest of the test set.
     */
    public Page<LeaderboardEntry> leaderboard(long id, String board, int page, int size, Optional<String> viewer) {
        Bounty bounty = visible(id, viewer);
        requireReachable(page, size);
        Page<LeaderboardEntry> entries = switch (board) {
            case "public", "live" -> publicBoard(bounty, page, size);
            case "private" -> privateBoard(bounty, page, size);
            default -> throw new BountyException(Code.INVALID_REQUEST, "board must be public (the live board) or private,"
                    + " not '" + board + "'");
        };
        if (Submission.hashesPublic(bounty, clock.now())) {
            return entries;
        }
        // Until submissions close, a model's hash is its contributor's alone (docs/protocol.md).
        return new Page<>(entries.items().stream().map(e -> viewer.isPresent() && viewer.get().equalsIgnoreCase(e.contributor()) ? e
                : e.withoutModelSha256()).toList(), entries.page(), entries.size(), entries.total());
    }

    /** Refuses a page so far out that its first row's position does not fit a database offset. */
    private static void requireReachable(int page, int size) {
        if ((long) page * size + size > Integer.MAX_VALUE) {
            throw new BountyException(Code.INVALID_REQUEST, "page " + page + " of " + size + " is beyond any list here;"
                    + " ask for an earlier page");
        }
    }

    /** Ids in board order from {@link PublicBoards}, then just the columns the board shows, by id. */
    private Page<LeaderboardEntry> publicBoard(Bounty bounty, int page, int size) {
        boolean higherIsBetter = bounty.higherIsBetter == null || bounty.higherIsBetter;
        PublicBoards.Slice slice = publicBoards.page(bounty.id, higherIsBetter, page, size);
        Map<Long, Tuple> byId = new HashMap<>();
        if (!slice.ids().isEmpty()) {
            Submission.getEntityManager().createQuery("""
                    select s.id as id, s.chainIndex as chainIndex, s.contributor as contributor,
                           s.modelSha256 as modelSha256, s.liveScore as score, s.committedAt as committedAt
                      from Submission s where s.id in ?1""", Tuple.class)
                    .setParameter(1, slice.ids()).getResultList().forEach(row -> byId.put(row.get("id", Long.class), row));
        }
        List<LeaderboardEntry> entries = new ArrayList<>(slice.ids().size());
        for (int i = 0; i < slice.ids().size(); i++) {
            Tuple s = byId.get(slice.ids().get(i));
            if (s != null) { // gone since the board's order was read (a reorg)
                entries.add(new LeaderboardEntry(page * size + i + 1, s.get("id", Long.class),
                        s.get("chainIndex", Integer.class), s.get("contributor", String.class),
                        s.get("modelSha256", String.class), s.get("score", Long.class), null, null,
                        s.get("committedAt", Instant.class)));
            }
        }
        return new Page<>(entries, page, size, slice.total());
    }

    private Page<LeaderboardEntry> privateBoard(Bounty bounty, int page, int size) {
        var query = Submission.<Submission>find("bountyId = ?1 and rank is not null", Sort.ascending("rank"), bounty.id);
        List<LeaderboardEntry> entries = query.page(page, size).list().stream()
                .map(s -> new LeaderboardEntry(s.rank + 1, s.id, s.chainIndex, s.contributor, s.modelSha256,
                        s.privateScore, s.qualified, s.paid, s.committedAt))
                .toList();
        return new Page<>(entries, page, size, query.count());
    }

    // ---- files anyone may read to re-check the results ----

    /** The bounty's spec in canonical form: its keccak256 is the specHash on-chain. */
    public String spec(long id, Optional<String> viewer) {
        Bounty bounty = visible(id, viewer);
        if (bounty.specJson == null) {
            throw new BountyException(Code.NOT_NOW, "Bounty " + id + " was created outside this marketplace; its spec"
                    + " is not known here");
        }
        return bounty.specJson;
    }

    public StoredObject publicSample(long id, Optional<String> viewer) {
        return visible(id, viewer).publicSample().orElseThrow(() -> new BountyException(Code.NOT_NOW,
                "Bounty " + id + " has no public sample here"));
    }

    /**
     * The hidden test set, once its reveal transaction has opened the on-chain commitment; before that, only to the
     * bounty's arbiter while it is disputed (a confidential bounty is never revealed, and its arbiter must re-run the
     * evaluation to rule), and every such download is recorded before it is served.
     */
    @Transactional
    public StoredObject revealedTestSet(long id, Optional<String> viewer) {
        Bounty bounty = visible(id, viewer);
        if (!bounty.testSetRevealed) {
            requireArbiterDuringDispute(bounty, viewer);
            StoredObject file = bounty.hiddenTestSet().orElseThrow(() -> new BountyException(Code.NOT_NOW,
                    "Bounty " + id + " has no test set stored here"));
            ArbiterRelease.record(bounty.id, viewer.orElseThrow(), ArbiterRelease.What.TEST_SET, null);
            return file;
        }
        return bounty.hiddenTestSet().orElseThrow(() -> new BountyException(Code.NOT_NOW,
                "Bounty " + id + " has no test set stored here"));
    }

    /**
     * The salt of the test-set commitment, which the audit needs to check the file and to split it as the evaluator
     * did: public once revealed on-chain, before that only for the arbiter during a dispute (recorded).
     */
    @Transactional
    public String testSetSalt(long id, Optional<String> viewer) {
        Bounty bounty = visible(id, viewer);
        if (bounty.testSetSalt == null) {
            throw new BountyException(Code.NOT_NOW, "Bounty " + id + " has no test set stored here");
        }
        if (!bounty.testSetRevealed) {
            requireArbiterDuringDispute(bounty, viewer);
            ArbiterRelease.record(bounty.id, viewer.orElseThrow(), ArbiterRelease.What.TEST_SET_SALT, null);
        }
        // stored without 0x (DraftService); answered as on-chain values are, 0x and lower case
        return "0x" + bounty.testSetSalt.replaceFirst("^0x", "").toLowerCase(Locale.ROOT);
    }

    /** Refuses anyone but the bounty's arbiter, while the bounty is disputed, saying who may read it and when. */
    static void requireArbiterDuringDispute(Bounty bounty, Optional<String> viewer) {
        if (bounty.arbiterDuringDispute(viewer)) {
            return;
        }
        boolean confidential = "confidential".equals(bounty.revealPolicy);
        String rule = confidential ? "this bounty keeps it confidential: only its arbiter " + bounty.arbiter
                + " may download it, and only while the results are disputed"
                : "it is revealed once results are proposed; before that only the arbiter " + bounty.arbiter
                        + " may download it, while the results are disputed";
        String who = viewer.isEmpty() ? " (you are not signed in)"
                : viewer.get().equalsIgnoreCase(bounty.arbiter) ? " (the bounty is "
                        + bounty.status.name().toLowerCase(Locale.ROOT) + ", not disputed)" : "";
        throw new BountyException(Code.FORBIDDEN, "The hidden test set of bounty " + bounty.id + " is not revealed on-chain;"
                + " " + rule + who);
    }

    /** The results document the keeper proposed: its keccak256 is the reportHash on-chain. */
    public String results(long id, Optional<String> viewer) {
        Bounty bounty = visible(id, viewer);
        if (bounty.reportHash == null || bounty.resultsJson == null) {
            throw new BountyException(Code.NOT_NOW, "Bounty " + id + " has no proposed results yet");
        }
        return bounty.resultsJson;
    }

    // ---- wallet transactions: checked here against the mirrored state so users get a reason, not a revert ----

    /** {@code payer}: the signed-in wallet that pays, if any (for a token reward, whose allowance counts). */
    public WalletTransaction topUp(long id, BigInteger amount, String payer) {
        Bounty bounty = onChain(id);
        if (amount == null || amount.signum() <= 0) {
            throw new BountyException(Code.INVALID_REQUEST, "amount must be a positive whole number of wei or token units");
        }
        requireStatus(bounty, BountyStatus.OPEN, "Only an open bounty takes top-ups");
        return transactions.topUp(bounty.onchainId, amount, bounty.token, payer);
    }

    public WalletTransaction cancel(long id, String caller) {
        Bounty bounty = onChain(id);
        if (!bounty.sponsor.equals(caller)) {
            throw new BountyException(Code.FORBIDDEN, "Only the sponsor " + bounty.sponsor + " can cancel this bounty");
        }
        requireStatus(bounty, BountyStatus.OPEN, "Only an open bounty can be cancelled");
        if (bounty.submissionCount > 0) {
            throw new BountyException(Code.NOT_NOW, "The bounty has submissions: its reward is locked and goes by the rules");
        }
        return transactions.cancel(bounty.onchainId);
    }

    /** {@code challenger}: the signed-in wallet that posts the bond, if any. */
    public WalletTransaction challenge(long id, String challenger) {
        Bounty bounty = onChain(id);
        if (bounty.status != BountyStatus.DISPUTED) {
            // Others may already have challenged: every address may, once, until the window closes or the arbiter rules.
            requireStatus(bounty, BountyStatus.PROPOSED, "Only proposed results can be challenged");
        }
        if (!clock.now().isBefore(bounty.challengeDeadline)) {
            throw new BountyException(Code.NOT_NOW, "The challenge window closed at " + bounty.challengeDeadline);
        }
        if (challenger != null && ResultEvents.challenges(bounty.contract, bounty.onchainId).stream()
                .anyMatch(c -> c.challenger().equalsIgnoreCase(challenger))) {
            throw new BountyException(Code.NOT_NOW, "You already challenged these results; each address challenges once");
        }
        return transactions.challenge(bounty.onchainId, bounty.challengeBond, bounty.token, challenger);
    }

    /** Pays {@code challenger} its bond and fee part after overturned results were paid out (anyone may send it). */
    public WalletTransaction claimChallenge(long id, String challenger) {
        Bounty bounty = onChain(id);
        if (bounty.status != BountyStatus.FINALIZED || !bounty.resultsOverturned) {
            throw new BountyException(Code.NOT_NOW,
                    "Challenges are paid back only once overturned results are paid out; this bounty is "
                            + bounty.effectiveStatus(clock.now()).name().toLowerCase(Locale.ROOT)
                            + (bounty.resultsOverturned ? "" : " and its results were not overturned"));
        }
        var challenge = ResultEvents.challenges(bounty.contract, bounty.onchainId).stream()
                .filter(c -> c.challenger().equalsIgnoreCase(challenger)).findFirst()
                .orElseThrow(() -> new BountyException(Code.NOT_NOW, challenger + " did not challenge bounty " + id));
        if (challenge.claimed()) {
            throw new BountyException(Code.NOT_NOW, challenger + " was already paid back its bond on bounty " + id);
        }
        return transactions.claimChallenge(bounty.onchainId, challenge.challenger());
    }

    public WalletTransaction finalizeBounty(long id) {
        Bounty bounty = onChain(id);
        BountyStatus status = bounty.effectiveStatus(clock.now());
        boolean windowOver = status == BountyStatus.PROPOSED && !clock.now().isBefore(bounty.challengeDeadline);
        if (!windowOver && status != BountyStatus.RESOLVED && status != BountyStatus.DISPUTED) {
            throw new BountyException(Code.NOT_NOW, status == BountyStatus.PROPOSED
                    ? "The challenge window is open until " + bounty.challengeDeadline
                    : "A " + status.name().toLowerCase(Locale.ROOT) + " bounty cannot be paid out");
        }
        return transactions.finalizeBounty(bounty.onchainId, ResultEvents.paidRanks(bounty.contract, bounty.onchainId));
    }

    public WalletTransaction expire(long id) {
        Bounty bounty = onChain(id);
        if (bounty.status != BountyStatus.OPEN || clock.now().isBefore(bounty.evaluationDeadline)) {
            throw new BountyException(Code.NOT_NOW, "Only a bounty without results after its evaluation deadline ("
                    + bounty.evaluationDeadline + ") can expire");
        }
        return transactions.expire(bounty.onchainId);
    }

    private void requireStatus(Bounty bounty, BountyStatus wanted, String rule) {
        BountyStatus status = bounty.effectiveStatus(clock.now());
        if (status != wanted) {
            throw new BountyException(Code.NOT_NOW, rule + "; this one is " + status.name().toLowerCase(Locale.ROOT));
        }
    }

    private static Bounty onChain(long id) {
        Bounty bounty = bounty(id);
        if (bounty.onchainId == null) {
            throw new BountyException(Code.NOT_NOW, "Bounty " + id + " is not on the chain yet");
        }
        return bounty;
    }

    /** The bounty, unless it is a draft and the viewer is not its sponsor: ids are sequential, drafts are private. */
    private static Bounty visible(long id, Optional<String> viewer) {
        Bounty bounty = bounty(id);
        if (bounty.status == BountyStatus.DRAFT && !viewer.map(v -> v.equalsIgnoreCase(bounty.sponsor)).orElse(false)) {
            throw new BountyException(Code.BOUNTY_NOT_FOUND, "There is no bounty " + id);
        }
        return bounty;
    }

    private static Bounty bounty(long id) {
        Bounty bounty = Bounty.findById(id);
        if (bounty == null) {
            throw new BountyException(Code.BOUNTY_NOT_FOUND, "There is no bounty " + id);
        }
        return bounty;
    }

    private static BountyStatus parseStatus(String status) {
        try {
            return BountyStatus.valueOf(status.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BountyException(Code.INVALID_REQUEST, "status must be one of open, closed, proposed, disputed,"
                    + " resolved, finalized, cancelled, expired; not '" + status + "'");
        }
    }
}
