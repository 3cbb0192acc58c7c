package dev.bountymarket.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.bountymarket.testing.TestChain;
import dev.bountymarket.testing.TestDatabase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Pages come from frontend-templates/ and the schema only from migrations/. */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestChain.class)
class WiringTest {

    @Inject
    EntityManager entityManager;

    @ConfigProperty(name = "quarkus.hibernate-orm.schema-management.strategy")
    String schemaManagement;

    @Test
    void homePage_rendersTemplateFromFrontendTemplates() throws Exception {
        String template = Files.readString(Path.of("../frontend-templates/templates/HomeResource/index.html"));
        String heading = "Bounties for machine-learning models, paid by a contract";
        assertTrue(template.contains(heading), "the heading this test looks for lives in frontend-templates/");

        given().when().get("/").then()
                .statusCode(200)
                .contentType(containsString("text/html"))
                .body(containsString(heading))
                .body(containsString("on chain 31337"));
        given().when().get("/css/app.css").then()
                .statusCode(200)
                .body(containsString("--accent"));
    }

    @Test
    void schema_comesOnlyFromMigrations() throws Exception {
        assertEquals("validate", schemaManagement, "Hibernate must never create or change tables");

        @SuppressWarnings("unchecked")
        List<String> applied = entityManager.createNativeQuery(
                "SELECT script FROM flyway_schema_history WHERE success ORDER BY installed_rank").getResultList();
        try (var files = Files.list(Path.of("../migrations"))) {
            List<String> migrations = files.map(p -> "db/migration/" + p.getFileName()).sorted().toList();
            assertEquals(migrations, applied.stream().sorted().toList(), "every file in migrations/ applied, nothing else");
        }
    }
}
