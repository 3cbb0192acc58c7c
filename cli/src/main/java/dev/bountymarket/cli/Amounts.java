package dev.bountymarket.cli;

import java.math.BigDecimal;
import java.math.BigInteger;

import com.fasterxml.jackson.databind.JsonNode;

/** Rewards as people read them: ETH for wei, otherwise the token's smallest units and its address. */
final class Amounts {
    static final String ETH = "0x0000000000000000000000000000000000000000";

    private Amounts() {
    }

    static String reward(JsonNode bounty) {
        String reward = bounty.path("reward").asText(null);
        if (reward == null || reward.equals("null")) {
            return "-";
        }
        String token = bounty.path("token").asText(ETH);
        return amount(reward, token);
    }

    static String amount(String units, String token) {
        if (token == null || token.equalsIgnoreCase(ETH)) {
            return new BigDecimal(new BigInteger(units)).movePointLeft(18).stripTrailingZeros().toPlainString() + " ETH";
        }
        return units + " units of " + token;
    }
}
