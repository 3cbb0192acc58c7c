package dev.bountymarket.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasKey;

import org.junit.jupiter.api.Test;

import dev.bountymarket.testing.TestChain;
import dev.bountymarket.testing.TestDatabase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestChain.class)
class OpenApiTest {

    @Test
    void openApi_documentsTheApiAndSwaggerUiIsServedLocally() {
        given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("info.title", org.hamcrest.Matchers.equalTo("Bounty market API"))
                .body("paths", hasKey("/api/bounties"))
                .body("paths", hasKey("/api/bounties/{id}/leaderboard"))
                .body("paths", hasKey("/api/auth/sign-in"));
        given().get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger"));
    }
}
