package dev.bountymarket.bounty;

import java.math.BigInteger;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import dev.bountymarket.bounty.BountyException.Code;
import dev.bountymarket.chain.Amounts;
import dev.bountymarket.chain.ChainClock;
import dev.bountymarket.chain.ResultEvents;
import dev.bountymarket.chain.Transactions;
import dev.bountymarket.chain.WalletTransaction;
import dev.bountymarket.evaluator.spec.LiveBoardSpec;
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

    @Inject
    ReadChanges changes;

    @Inject
    ReadsConfig readsConfig;

    /** Answers of the list by query, the tokens paid in, bounties by id, and private board pages (see ReadChanges). */
    private StampedCache<Query, Page<BountyView>> lists;
    private final StampedCache<Boolean, List<String>> tokens = new StampedCache<>(1);
    private final StampedCache<Long, Summary> summaries = new StampedCache<>(100_000);
    private final StampedCache<PrivatePage, Page<LeaderboardEntry>> privatePages = new StampedCache<>(10_000);

    /** What a bounty's reads need of it, without its row: who may see it, its board's direction, its view. */
    private record Summary(boolean draft, String sponsor, boolean higherIsBetter, Instant submissionDeadline,
            BountyView view, LiveBoardSpec liveBoard) {
    }

    private record PrivatePage(long bountyId, int page, int size) {
    }

    @jakarta.annotation.PostConstruct
    void init() {
        lists = new StampedCache<>(readsConfig.listEntries());
    }

    /** What the browse page and GET /api/bounties ask for. */
    public record Query(String status, String task, String token, String search, String sort, int page, int size) {
    }

    /**
     * A page of bounties. Answers are kept per query until a bounty changes ({@link ReadChanges}) or, at chain time,
     * a bounty shown (or, filtering by open or closed, any open bounty) reaches a deadline that changes what is shown.
     */
    public Page<BountyView> list(Query query) {
        requireReachable(query.page(), query.size());
        Instant now = clock.now();
        boolean cached = changes.fresh();
        long stamp = changes.listStamp();
        Page<BountyView> kept = cached ? lists.get(query, stamp, now) : null;
        if (kept != null) {
            return kept;
        }
        Page<BountyView> read = readList(query, now);
        if (cached) {
            Instant until = read.items().stream().map(b -> changesAt(b, now)).filter(java.util.Objects::nonNull)
                    .min(Instant::compareTo).orElse(null);
            if ("open".equalsIgnoreCase(query.status()) || "closed".equalsIgnoreCase(query.status())) {
                // which bounties match changes when any open one closes
                Instant nextClose = Bounty.getEntityManager().createQuery("select min(b.submissionDeadline) from Bounty b"
                        + " where b.status = :open and b.submissionDeadline > :now", Instant.class)
                        .setParameter("open", BountyStatus.OPEN).setParameter("now", now).getSingleResult();
                until = nextClose != null && (until == null || nextClose.isBefore(until)) ? nextClose : until;
            }
            lists.put(query, read, stamp, now, until);
        }
        return read;
    }

    /** The next chain time at which {@code view}, shown at {@code now}, would be shown differently; null if none. */
    private static Instant changesAt(BountyView view, Instant now) {
        Instant at = null;
        if (BountyStatus.OPEN.name().equals(view.status()) && view.submissionDeadline() != null
                && now.isBefore(view.submissionDeadline())) {
            at = view.submissionDeadline();
        }
        Instant reveal = view.trust().revealDeadline();
        if (reveal != null && now.isBefore(reveal) && (at == null || reveal.isBefore(at))) {
            at = reveal;
        }
        return at;
    }

    /** The token addresses bounties are paid in (a list filter's options), kept like the list. */
    public List<String> tokens() {
        Instant now = clock.now();
        boolean cached = changes.fresh();
        long stamp = changes.listStamp();
        List<String> kept = cached ? tokens.get(Boolean.TRUE, stamp, now) : null;
        if (kept != null) {
            return kept;
        }
        List<String> read = Bounty.getEntityManager().createQuery(
                "select distinct b.token from Bounty b where b.token is not null and b.status <> :draft order by b.token",
                String.class).setParameter("draft", BountyStatus.DRAFT).getResultList();
        if (cached) {
            tokens.put(Boolean.TRUE, read, stamp, now, null);
        }
        return read;
    }

    private Page<BountyView> readList(Query query, Instant now) {
        for (String text : new String[] {query.status(), query.task(), query.token(), query.search(), query.sort()}) {
            if (text != null && text.indexOf('\0') >= 0) {
                throw new BountyException(Code.INVALID_REQUEST, "A search or filter cannot contain the NUL character;"
                        + " remove it and search again");
            }
        }
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
        return summary(id, viewer).view();
    }

    /** The live board's terms from the bounty's spec; empty when its spec is not known here. */
    public Optional<LiveBoardSpec> liveBoard(long id, Optional<String> viewer) {
        return Optional.ofNullable(summary(id, viewer).liveBoard());
    }

    /**
     * The bounty's {@link Summary}, unless it is a draft and the viewer is not its sponsor; kept until the bounty, its
     * submissions or the chain's events change, or its view's next deadline.
     */
    private Summary summary(long id, Optional<String> viewer) {
        Instant now = clock.now();
        boolean cached = changes.fresh();
        long stamp = changes.bountyStamp(id);
        Summary kept = cached ? summaries.get(id, stamp, now) : null;
        if (kept == null) {
            Bounty bounty = bounty(id);
            BountyView view = BountyView.of(bounty, now);
            kept = new Summary(bounty.status == BountyStatus.DRAFT, bounty.sponsor,
                    bounty.higherIsBetter == null || bounty.higherIsBetter, bounty.submissionDeadline, view,
                    bounty.liveBoard().orElse(null));
            if (cached) {
                summaries.put(id, kept, stamp, now, changesAt(view, now));
            }
        }
        Summary summary = kept;
        if (summary.draft() && !viewer.map(v -> v.equalsIgnoreCase(summary.sponsor())).orElse(false)) {
            throw new BountyException(Code.BOUNTY_NOT_FOUND, "There is no bounty " + id);
        }
        return summary;
    }

    /**
     * A leaderboard page. The public (live) board ranks committed, uploaded models by their score on the hidden test
     * set's live part, live while the bounty is open (up to {@code leaderboard.refresh} late), never on the public
     * sample, whose labels are published; the private board is the ranking posted on-chain with the results, scored on
     * the rest of the test set.
     */
    public Page<LeaderboardEntry> leaderboard(long id, String board, int page, int size, Optional<String> viewer) {
        Summary bounty = summary(id, viewer);
        requireReachable(page, size);
        boolean hashesPublic = bounty.submissionDeadline() != null && !clock.now().isBefore(bounty.submissionDeadline());
        // Until submissions close, a model's hash is its contributor's alone (docs/protocol.md): a visitor signed out
        // gets the page kept without hashes, a signed-in one the page with theirs alone.
        boolean hidden = !hashesPublic && viewer.isEmpty();
        Page<LeaderboardEntry> entries = switch (board) {
            case "public", "live" -> publicBoard(id, bounty, page, size, hidden);
            case "private" -> privateBoard(id, page, size);
            default -> throw new BountyException(Code.INVALID_REQUEST, "board must be public (the live board) or private,"
                    + " not '" + board + "'");
        };
        if (hashesPublic || (hidden && !"private".equals(board))) {
            return entries;
        }
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

    /** The page cut from the board {@link PublicBoards} keeps. */
    private Page<LeaderboardEntry> publicBoard(long id, Summary bounty, int page, int size, boolean withoutHashes) {
        return publicBoards.page(id, bounty.higherIsBetter(), page, size, withoutHashes);
    }

    private Page<LeaderboardEntry> privateBoard(long id, int page, int size) {
        Instant now = clock.now();
        boolean cached = changes.fresh();
        long stamp = changes.boardStamp(id);
        PrivatePage key = new PrivatePage(id, page, size);
        Page<LeaderboardEntry> kept = cached ? privatePages.get(key, stamp, now) : null;
        if (kept != null) {
            return kept;
        }
        var query = Submission.<Submission>find("bountyId = ?1 and rank is not null", Sort.ascending("rank"), id);
        List<LeaderboardEntry> entries = query.page(page, size).list().stream()
                .map(s -> new LeaderboardEntry(s.rank + 1, s.id, s.chainIndex, s.contributor, s.modelSha256,
                        s.privateScore, s.qualified, s.paid, s.committedAt))
                .toList();
        Page<LeaderboardEntry> read = new Page<>(entries, page, size, entries.isEmpty() && page == 0 ? 0 : query.count());
        if (cached) {
            privatePages.put(key, read, stamp, now, null);
        }
        return read;
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
