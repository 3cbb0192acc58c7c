package dev.bountymarket.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.bountymarket.submission.LeaderboardEntry;

/** The chart's axis follows the scores, so close scores look different, and the threshold stays in sight. */
class ScoreChartTest {

    private static LeaderboardEntry entry(int rank, long score) {
        return new LeaderboardEntry(rank, rank, rank, "0x" + String.valueOf(rank).repeat(40), null, score, null, null, null);
    }

    @Test
    void closeScoresGetVisiblyDifferentBars() {
        ScoreChart chart = ScoreChart.of(List.of(entry(1, 981_000), entry(2, 978_000)), 975_000L, true, "accuracy");
        double first = chart.bars().get(0).length();
        double second = chart.bars().get(1).length();
        // On an axis from 0 these bars would differ by 0.3 %; zoomed, by a good part of the drawing.
        assertTrue(first - second > 50, "bars " + first + " and " + second + " are too alike");
        assertTrue(chart.thresholdX() > chart.left() && chart.thresholdX() < chart.right());
        assertTrue(chart.thresholdX() < chart.left() + second, "the threshold lies below both scores");
        assertEquals("threshold 0.975", chart.thresholdText());
        assertTrue(Double.parseDouble(chart.min()) > 0.9, "the axis starts near the scores, not at " + chart.min());
    }

    @Test
    void aFarThresholdIsPinnedToTheEdgeAndSaysSo() {
        ScoreChart chart = ScoreChart.of(List.of(entry(1, 981_000), entry(2, 978_000)), 500_000L, true, "accuracy");
        assertEquals(chart.left(), chart.thresholdX(), 0.001);
        assertTrue(chart.thresholdText().contains("off scale"), chart.thresholdText());
        assertTrue(chart.bars().get(0).length() - chart.bars().get(1).length() > 50);
        assertTrue(chart.bars().stream().allMatch(ScoreChart.Bar::passes));

        ScoreChart above = ScoreChart.of(List.of(entry(1, 300_000)), 900_000L, true, "accuracy");
        assertEquals(above.right(), above.thresholdX(), 0.001);
        assertEquals("end", above.thresholdAnchor());
        assertTrue(!above.bars().get(0).passes());
    }

    @Test
    void equalScoresStillHaveBarsInsideTheDrawing() {
        ScoreChart chart = ScoreChart.of(List.of(entry(1, 0), entry(2, 0)), null, false, "rmse");
        for (ScoreChart.Bar bar : chart.bars()) {
            assertTrue(bar.length() >= 1 && ScoreChart.LEFT + bar.length() <= chart.right(), "bar " + bar.length());
        }
    }
}
