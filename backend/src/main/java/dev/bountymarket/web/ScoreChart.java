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
    /** The narrowest axis, fixed point 1e6 (0.002): equal scores still get bars of some length. */
    static final long MIN_SPREAD = 2_000;

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
        long lowest = Long.MAX_VALUE;
        long highest = Long.MIN_VALUE;
        for (LeaderboardEntry e : shown) {
            lowest = Math.min(lowest, e.score());
            highest = Math.max(highest, e.score());
        }
        // The axis spans the scores, not zero to the best: 0.981 and 0.978 must look different. The threshold joins the
        // axis when that at most doubles it; further off it is pinned at the edge it lies beyond, labelled as such.
        long spread = Math.max(highest - lowest, MIN_SPREAD);
        boolean thresholdOnScale = threshold != null && threshold >= lowest - spread && threshold <= highest + spread;
        if (thresholdOnScale) {
            lowest = Math.min(lowest, threshold);
            highest = Math.max(highest, threshold);
            spread = Math.max(highest - lowest, MIN_SPREAD);
        }
        long pad = Math.max(spread / 10, MIN_SPREAD / 10);
        long lo = lowest - pad;
        long hi = highest + pad;
        double span = WIDTH - LEFT - RIGHT;
        double scale = span / (hi - lo);
        List<Bar> bars = new ArrayList<>();
        for (int i = 0; i < shown.size(); i++) {
            LeaderboardEntry e = shown.get(i);
            boolean passes = threshold == null
                    || (higherIsBetter ? e.score() >= threshold : e.score() <= threshold);
            bars.add(new Bar(e.rank() + ". " + TemplateExtensions.shortAddress(e.contributor()), TOP + i * ROW,
                    Math.max(1, (e.score() - lo) * scale), TemplateExtensions.score(e.score()), passes));
        }
        Double thresholdX = threshold == null ? null
                : LEFT + (Math.min(Math.max(threshold, lo), hi) - lo) * scale;
        String thresholdText = threshold == null ? null
                : thresholdOnScale ? "threshold " + TemplateExtensions.score(threshold)
                : threshold < lo ? "◂ threshold " + TemplateExtensions.score(threshold) + " (off scale)"
                : "threshold " + TemplateExtensions.score(threshold) + " (off scale) ▸";
        String description = "Scores (" + TemplateExtensions.words(metric) + ", " + (higherIsBetter ? "higher" : "lower")
                + " is better) of the top " + shown.size() + (threshold == null ? "" : "; the line marks the threshold "
                + TemplateExtensions.score(threshold));
        return new ScoreChart(WIDTH, TOP + shown.size() * ROW + 24, bars, thresholdX,
                thresholdText,
                TemplateExtensions.score(lo), TemplateExtensions.score(hi), description);
    }

    public int left() {
        return LEFT;
    }

    public int right() {
        return WIDTH - RIGHT;
    }

    public double thresholdLabelX() {
        if (thresholdX == null) {
            return 0;
        }
        return labelLeftOfLine() ? thresholdX - 4 : thresholdX + 4;
    }

    /** The threshold label's SVG text-anchor: a line near the right edge has its label on its left, inside the drawing. */
    public String thresholdAnchor() {
        return labelLeftOfLine() ? "end" : "start";
    }

    private boolean labelLeftOfLine() {
        return thresholdX != null && thresholdX > (LEFT + WIDTH - RIGHT) / 2.0;
    }

    public int axisY() {
        return height - 20;
    }
}
