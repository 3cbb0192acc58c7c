package dev.bountymarket.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.bountymarket.chain.ChainConfig;
import dev.bountymarket.chain.RpcUrls;
import dev.bountymarket.testing.TestChain;
import dev.bountymarket.testing.TestDatabase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/** Pages that cannot be framed or sniffed, run no inline script, and never show the chain's private RPC address. */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestChain.class)
class PageSecurityTest {

    private static final Path TEMPLATES = Path.of("../frontend-templates/templates");

    @Inject
    ChainConfig chain;

    @Test
    void pages_carrySecurityHeaders() {
        for (String path : List.of("/", "/bounties/new", "/no/such/page", "/api/bounties")) {
            var response = given().accept("text/html").get(path);
            String csp = response.getHeader("Content-Security-Policy");
            assertTrue(csp != null && csp.contains("frame-ancestors 'none'"), path + ": " + csp);
            assertTrue(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
                    path + ": " + csp);
            assertEquals("nosniff", response.getHeader("X-Content-Type-Options"), path);
            assertEquals("same-origin", response.getHeader("Referrer-Policy"), path);
        }
    }

    @Test
    void templates_haveNoInlineScript() throws IOException {
        Pattern inlineScript = Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>", Pattern.CASE_INSENSITIVE);
        Pattern handler = Pattern.compile("\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE);
        try (Stream<Path> files = Files.walk(TEMPLATES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".html")).toList()) {
                String html = Files.readString(file);
                assertFalse(inlineScript.matcher(html).find(), file + " has an inline <script>");
                assertFalse(handler.matcher(html).find(), file + " has an on...= handler");
                assertFalse(html.contains("javascript:"), file + " has a javascript: URL");
            }
        }
    }

    @Test
    void pages_doNotShowThePrivateRpcUrl() {
        given().accept("text/html").get("/").then().statusCode(200)
                .body(not(containsString(chain.rpcUrl())))
                .body(containsString("data-rpc-url=\"\""));
    }

    @Test
    void readiness_namesTheChainsHostButNotItsUrl() {
        String host = java.net.URI.create(chain.rpcUrl()).getAuthority();
        given().get("/q/health/ready").then()
                .body(not(containsString(chain.rpcUrl())))
                .body("checks.find { it.name == 'chain' }.data.rpcHost", equalTo(host));
    }

    @Test
    void rpcHost_dropsCredentialsPathAndQuery() {
        assertEquals("eth-mainnet.example.com", RpcUrls.host("https://user:secret@eth-mainnet.example.com/v2/KEY?x=1"));
        assertEquals("127.0.0.1:8545", RpcUrls.host("http://127.0.0.1:8545"));
        assertEquals("(not a URL)", RpcUrls.host("::nonsense::"));
        assertEquals("chain unreachable at eth.example.com: timeout",
                RpcUrls.redact("chain unreachable at https://eth.example.com/v3/abc123: timeout",
                        "https://eth.example.com/v3/abc123"));
    }
}
