package dev.bountymarket.web;

import java.util.ArrayList;
import java.util.List;

import dev.bountymarket.submission.LeaderboardEntry;

/**
 * The geometry of a leaderboard's bar chart, drawn as SVG by the page: one bar per ranked entry (the best first) on a
 * shared scale that also holds the threshold, so that the threshold line shows who qualifies.
 */
public record ScoreChart(int width, int height, List<Bar> bars, Double thresholdX, String thresholdText, String min,
        String max, String description) {

    static final int MAX_BARS = 20;
    static final int LEFT = 120;
    static final int RIGHT = 70;
    static final int ROW = 26;
    static final int TOP = 24;
    static final int WIDTH = 640;

    /** One bar: its row's top, its length, and what it says. */
    public record Bar(String label, int y, double length, String value, boolean passes) {
        public double valueX() {
            return LEFT + length + 6;
        }
    }

    /**
     * @param threshold the bounty's threshold, fixed point 1e6, or null
     * @param higherIsBetter the metric's direction
     */
    public static ScoreChart of(List<LeaderboardEntry> entries, Long threshold, boolean higherIsBetter, String metric) {
        List<LeaderboardEntry> shown = entries.stream().filter(e -> e.score() != null).limit(MAX_BARS).toList();
        if (shown.isEmpty()) {
            return null;
        }
        long lo = 0;
        long hi = 0;
        for (LeaderboardEntry e : shown) {
            lo = Math.min(lo, e.score());
            hi = Math.max(hi, e.score());
        }
        if (threshold != null) {
            lo = Math.min(lo, threshold);
            hi = Math.max(hi, threshold);
        }
        if (hi == lo) {
            hi = lo + 1_000_000;
        }
        double span = WIDTH - LEFT - RIGHT;
        double scale = span / (hi - lo);
        List<Bar> bars = new ArrayList<>();
        for (int i = 0; i < shown.size(); i++) {
            LeaderboardEntry e = shown.get(i);
            boolean passes = threshold == null
                    || (higherIsBetter ? e.score() >= threshold : e.score() <= threshold);
            bars.add(new Bar("#" + e.rank() + " " + TemplateExtensions.shortAddress(e.contributor()), TOP + i * ROW,
                    Math.max(1, (e.score() - lo) * scale), TemplateExtensions.score(e.score()), passes));
        }
        Double thresholdX = threshold == null ? null : LEFT + (threshold - lo) * scale;
        String description = "Scores (" + TemplateExtensions.words(metric) + ", " + (higherIsBetter ? "higher" : "lower")
                + " is better) of the top " + shown.size() + (threshold == null ? "" : "; the line marks the threshold "
                + TemplateExtensions.score(threshold));
        return new ScoreChart(WIDTH, TOP + shown.size() * ROW + 24, bars, thresholdX,
                threshold == null ? null : "threshold " + TemplateExtensions.score(threshold),
                TemplateExtensions.score(lo), TemplateExtensions.score(hi), description);
    }

    public int left() {
        return LEFT;
    }

    public int right() {
        return WIDTH - RIGHT;
    }

    public double thresholdLabelX() {
        return thresholdX == null ? 0 : thresholdX + 4;
    }

    public int axisY() {
        return height - 20;
    }
}
