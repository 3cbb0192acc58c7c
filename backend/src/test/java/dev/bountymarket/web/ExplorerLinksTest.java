package dev.bountymarket.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.bountymarket.chain.Network;

/** Transactions and addresses link to the network's block explorer, and only to it. */
class ExplorerLinksTest {

    private static final String TX = "0x7e87e3d81dedf9484651d2e2901c18f93527716752bbe129e13500b8aa732f12";
    private static final String ADDRESS = "0x306197aa80d7902362299d650b9e2d3e3f68e320";

    private static Site on(String explorerUrl) {
        return new Site(null, null, 11155111L, ADDRESS, "Sepolia", "", 0, 3, false, explorerUrl, Network.Currency.ETHER,
                null);
    }

    @Test
    void txLink_toTheExplorer() {
        assertEquals("<a class=\"tx\" href=\"https://sepolia.etherscan.io/tx/" + TX + "\">tx <code title=\"" + TX
                + "\">0x7e87e3d8…2f12</code></a>", TemplateExtensions.txLink(TX, on("https://sepolia.etherscan.io")).toString());
    }

    @Test
    void txLink_noExplorer_justTheHash() {
        assertEquals("<span class=\"tx\">tx <code title=\"" + TX + "\">0x7e87e3d8…2f12</code></span>",
                TemplateExtensions.txLink(TX, on(null)).toString());
    }

    @Test
    void addressLink_toTheExplorer() {
        assertEquals("<a class=\"address\" href=\"https://sepolia.etherscan.io/address/" + ADDRESS + "\"><code title=\""
                + ADDRESS + "\">0x3061…e320</code></a>",
                TemplateExtensions.addressLink(ADDRESS, on("https://sepolia.etherscan.io")).toString());
    }

    @Test
    void addressLink_noExplorer_justTheAddress() {
        assertEquals("<code title=\"" + ADDRESS + "\">0x3061…e320</code>",
                TemplateExtensions.addressLink(ADDRESS, on(null)).toString());
        assertEquals("—", TemplateExtensions.addressLink(null, on(null)).toString());
    }

    @Test
    void addressLink_markupInTheValue_neverReachesThePage() {
        assertEquals("<code title=\"0x12\">0x12</code>",
                TemplateExtensions.addressLink("0x12\"><img>", on(null)).toString());
    }
}
