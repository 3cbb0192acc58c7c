package dev.bountymarket.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Login pins the market the server names the first time, and refuses a server that later names another one. */
class LoginMarketTest {
    private static final String SERVER = "http://127.0.0.1:8080";
    private static final String MARKET = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
    private static final String OTHER = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";

    @Test
    void firstLogin_recordsTheServersMarket() {
        assertEquals(MARKET, LoginCommand.pinMarket(MARKET.toUpperCase().replace("0X", "0x"), Optional.empty(),
                Optional.empty(), SERVER));
    }

    @Test
    void laterLogin_refusesAnotherMarketUnlessTheUserNamesIt() {
        CliException moved = assertThrows(CliException.class, () -> LoginCommand.pinMarket(OTHER, Optional.empty(),
                Optional.of(MARKET), SERVER));
        assertEquals(ExitCodes.REMOTE, moved.exitCode());
        assertTrue(moved.getMessage().contains(OTHER) && moved.getMessage().contains(MARKET)
                && moved.getMessage().contains("--market " + OTHER), moved.getMessage());
        assertEquals(OTHER, LoginCommand.pinMarket(OTHER, Optional.of(OTHER), Optional.of(MARKET), SERVER));
        assertEquals(MARKET, LoginCommand.pinMarket(MARKET, Optional.empty(), Optional.of(MARKET), SERVER));
    }

    @Test
    void marketGiven_mustBeTheServers() {
        CliException refused = assertThrows(CliException.class, () -> LoginCommand.pinMarket(OTHER,
                Optional.of(MARKET), Optional.empty(), SERVER));
        assertTrue(refused.getMessage().contains("not the --market " + MARKET), refused.getMessage());
    }

    @Test
    void serverNamingNoMarket_isRefused() {
        assertThrows(CliException.class, () -> LoginCommand.pinMarket(null, Optional.empty(), Optional.empty(), SERVER));
        assertThrows(CliException.class, () -> LoginCommand.pinMarket("0x1234", Optional.empty(), Optional.empty(),
                SERVER));
    }
}
