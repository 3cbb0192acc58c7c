package dev.bountymarket.evaluator.spec;

/**
 * The live leaderboard's terms, part of the spec (so they are bound by its hash, like every other term): which share of
 * the hidden test set the live board scores (the rest decides the payout; the split is
 * {@link dev.bountymarket.evaluator.dataset.LiveSplit}'s rule), and how many live-board scorings a contributor gets per
 * day (UTC) on this bounty. Spec field {@code liveBoard: {"sharePercent": 20, "scoringsPerDay": 5}}.
 */
public record LiveBoardSpec(int sharePercent, int scoringsPerDay) {
    public static final int DEFAULT_SHARE_PERCENT = 20;
    public static final int MIN_SHARE_PERCENT = 5;
    public static final int MAX_SHARE_PERCENT = 50;
    public static final int DEFAULT_SCORINGS_PER_DAY = 5;
    public static final int MAX_SCORINGS_PER_DAY = 100;

    public static final LiveBoardSpec DEFAULTS = new LiveBoardSpec(DEFAULT_SHARE_PERCENT, DEFAULT_SCORINGS_PER_DAY);

    public LiveBoardSpec {
        if (sharePercent < MIN_SHARE_PERCENT || sharePercent > MAX_SHARE_PERCENT) {
            throw new IllegalArgumentException("sharePercent " + sharePercent + " is outside " + MIN_SHARE_PERCENT
                    + ".." + MAX_SHARE_PERCENT);
        }
        if (scoringsPerDay < 1 || scoringsPerDay > MAX_SCORINGS_PER_DAY) {
            throw new IllegalArgumentException("scoringsPerDay " + scoringsPerDay + " is outside 1.." + MAX_SCORINGS_PER_DAY);
        }
    }
}
