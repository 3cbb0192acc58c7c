package dev.bountymarket.web;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

import dev.bountymarket.bounty.BountyView;
import dev.bountymarket.chain.Amounts;
import dev.bountymarket.evaluator.report.Decimals;
import io.quarkus.qute.RawString;
import io.quarkus.qute.TemplateExtension;

/** How pages write amounts, scores, addresses, times and states. */
@TemplateExtension
public class TemplateExtensions {

    static final String ETH = Amounts.ETH;
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    /** "ETH" for the native token, else the token's symbol (its short address if it has none). */
    static String tokenName(String token) {
        return Amounts.tokenName(token);
    }

    /** An amount given in the token's base units, as people read it: "2 ETH", "25.5 USDX". */
    static String amount(String units, String token) {
        return units == null ? "—" : Amounts.text(new BigInteger(units), token);
    }

    static String amount(BigInteger units, String token) {
        return Amounts.text(units, token);
    }

    static String rewardText(BountyView bounty) {
        return amount(bounty.reward(), bounty.token());
    }

    /** A fixed-point (1e6) score as a decimal: 875000 is 0.875. */
    static String score(Long fixedPoint) {
        return fixedPoint == null ? "—" : Decimals.plain(fixedPoint);
    }

    static String score(Integer fixedPoint) {
        return fixedPoint == null ? "—" : score(fixedPoint.longValue());
    }

    /** 0x1234…abcd */
    static String shortAddress(String address) {
        if (address == null) {
            return "—";
        }
        return address.length() > 12 ? address.substring(0, 6) + "…" + address.substring(address.length() - 4) : address;
    }

    /** A 32-byte hash shortened for tables: 0x12345678…9abc */
    static String shortHash(String hash) {
        if (hash == null) {
            return "—";
        }
        return hash.length() > 16 ? hash.substring(0, 10) + "…" + hash.substring(hash.length() - 4) : hash;
    }

    /** A transaction hash, linked to the network's block explorer when it has one. */
    static RawString txLink(String hash, Site site) {
        if (hash == null) {
            return new RawString("");
        }
        String safe = hash.replaceAll("[^0-9a-fA-Fx]", "");
        String code = "<code title=\"" + safe + "\">" + shortHash(safe) + "</code>";
        if (site.explorerUrl() == null) {
            return new RawString("<span class=\"tx\">tx " + code + "</span>");
        }
        return new RawString("<a class=\"tx\" href=\"" + explorer(site) + "/tx/" + safe + "\">tx " + code + "</a>");
    }

    /** An address, shortened, with the whole of it as a tooltip and linked to the network's block explorer if any. */
    static RawString addressLink(String address, Site site) {
        if (address == null) {
            return new RawString("—");
        }
        String safe = address.replaceAll("[^0-9a-fA-Fx]", "");
        String code = "<code title=\"" + safe + "\">" + shortAddress(safe) + "</code>";
        if (site.explorerUrl() == null) {
            return new RawString(code);
        }
        return new RawString("<a class=\"address\" href=\"" + explorer(site) + "/address/" + safe + "\">" + code + "</a>");
    }

    /** The explorer's URL from configuration, made safe inside a double-quoted attribute. */
    private static String explorer(Site site) {
        return site.explorerUrl().replace("\"", "%22").replace("<", "%3C").replace(">", "%3E");
    }

    static String dateTime(Instant time) {
        return time == null ? "—" : DATE_TIME.format(time);
    }

    /** Epoch seconds as an instant: the chain's time that pages carry as a number. */
    static Instant instant(long epochSecond) {
        return Instant.ofEpochSecond(epochSecond);
    }

    static long epoch(Instant time) {
        return time == null ? 0 : time.getEpochSecond();
    }

    /** "in 2 days 3 hours" or "3 hours ago", against the chain's time (epoch seconds). */
    static String relativeTo(Instant time, long now) {
        if (time == null) {
            return "—";
        }
        long seconds = time.getEpochSecond() - now;
        long abs = Math.abs(seconds);
        String span;
        if (abs < 60) {
            span = abs + (abs == 1 ? " second" : " seconds");
        } else if (abs < 86_400) {
            span = duration(abs - abs % 60);
        } else {
            span = duration(abs - abs % 3600);
        }
        return seconds >= 0 ? "in " + span : span + " ago";
    }

    /** OPEN -> Open */
    static String label(String status) {
        if (status == null) {
            return "—";
        }
        String lower = status.toLowerCase(Locale.ROOT).replace('_', ' ');
        return Character.toUpperCase(lower.charAt(0)) + lower.substring(1);
    }

    static String css(String status) {
        return status == null ? "" : status.toLowerCase(Locale.ROOT);
    }

    static String tokenText(BountyView bounty) {
        return bounty.token() == null ? "—" : tokenName(bounty.token());
    }

    static String taskText(BountyView bounty) {
        return words(bounty.task());
    }

    static String metricText(BountyView bounty) {
        return words(bounty.metric());
    }

    /** binary_classification -> binary classification */
    static String words(String wireName) {
        return wireName == null ? "—" : wireName.replace('_', ' ');
    }

    /** "Winner takes all", or "Top 3: 50 % / 30 % / 20 %" */
    static String payoutRule(BountyView bounty) {
        List<Integer> shares = bounty.shares();
        if (shares == null || shares.isEmpty()) {
            return "—";
        }
        if (shares.size() == 1) {
            return "Winner takes all";
        }
        StringBuilder rule = new StringBuilder("Top ").append(shares.size()).append(": ");
        for (int i = 0; i < shares.size(); i++) {
            rule.append(i == 0 ? "" : " / ").append(percent(shares.get(i)));
        }
        return rule.toString();
    }

    /** Basis points as a percentage: 2500 is 25 %. */
    static String percent(Integer bps) {
        return bps == null ? "—" : BigDecimal.valueOf(bps, 2).stripTrailingZeros().toPlainString() + " %";
    }

    /**
     * "sponsor", "evaluator" or "arbiter" when {@code viewer} judges the bounty, else "": a judge cannot enter it
     * (docs/protocol.md, "No judge in the race").
     */
    static String judgeRoleOf(BountyView bounty, String viewer) {
        if (viewer == null) {
            return "";
        }
        if (viewer.equalsIgnoreCase(bounty.sponsor())) {
            return "sponsor";
        }
        if (viewer.equalsIgnoreCase(bounty.evaluator())) {
            return "evaluator";
        }
        return viewer.equalsIgnoreCase(bounty.arbiter()) ? "arbiter" : "";
    }

    /** Basis points of a ratio as a percentage: 500 is 5 %, 25000 is 250 %. */
    static String percentOfBps(Long bps) {
        return bps == null ? "—" : BigDecimal.valueOf(bps, 2).stripTrailingZeros().toPlainString() + " %";
    }

    /** "at least 0.8" or "at most 0.25" */
    static String thresholdRule(BountyView bounty) {
        if (bounty.threshold() == null) {
            return "—";
        }
        boolean higher = bounty.higherIsBetter() == null || bounty.higherIsBetter();
        return (higher ? "at least " : "at most ") + score(bounty.threshold());
    }

    static String duration(Long seconds) {
        if (seconds == null) {
            return "—";
        }
        long days = seconds / 86_400;
        long hours = seconds % 86_400 / 3600;
        long minutes = seconds % 3600 / 60;
        StringBuilder text = new StringBuilder();
        if (days > 0) {
            text.append(days).append(days == 1 ? " day " : " days ");
        }
        if (hours > 0) {
            text.append(hours).append(hours == 1 ? " hour " : " hours ");
        }
        if (minutes > 0 || text.isEmpty()) {
            text.append(minutes).append(minutes == 1 ? " minute" : " minutes");
        }
        return text.toString().strip();
    }

    /** A file size for people: "812 bytes", "3.4 KB", "1.2 MB" (powers of 1000). */
    static String bytes(Long size) {
        if (size == null) {
            return "—";
        }
        if (size < 1000) {
            return size + (size == 1 ? " byte" : " bytes");
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double value = size;
        int unit = -1;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return BigDecimal.valueOf(value).round(new java.math.MathContext(value >= 100 ? 3 : 2)).stripTrailingZeros()
                .toPlainString() + " " + units[unit];
    }

    /** A share (0 to 1) as a percentage with one decimal: 0.4567 is "45.7 %". */
    static String share(Double share) {
        return share == null ? "—" : BigDecimal.valueOf(share * 100).setScale(1, java.math.RoundingMode.HALF_UP)
                .toPlainString() + " %";
    }
}
