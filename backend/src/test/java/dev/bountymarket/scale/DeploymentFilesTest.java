package dev.bountymarket.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.yaml.snakeyaml.Yaml;

import io.smallrye.config.ConfigMapping;

/**
 * docker-compose.yml and the Kubernetes manifests in deploy/kubernetes, read as YAML and checked against the
 * application: every environment variable they set is a configuration key the application reads (a misspelt name is
 * silently ignored by the application, so only this catches it), ports and probe paths are the server's, every secret
 * reference names a key of the documented Secret, each process runs the roles its file says, workers ask for a GPU,
 * and migrations run once. There is no Docker or Kubernetes here: this is what can be checked without them.
 */
class DeploymentFilesTest {

    private static final Path ROOT = Path.of("..");
    private static final Path KUBERNETES = ROOT.resolve("deploy/kubernetes");
    private static final String IMAGE = "bountymarket/backend";
    /** The Quarkus keys the files set, as the application's own configuration or Quarkus's documentation names them. */
    private static final Set<String> QUARKUS_KEYS = Set.of("quarkus.datasource.jdbc.url", "quarkus.datasource.username",
            "quarkus.datasource.password", "quarkus.flyway.migrate-at-start", "quarkus.init-and-exit",
            "quarkus.http.proxy.proxy-address-forwarding", "quarkus.http.proxy.allow-x-forwarded",
            "quarkus.datasource.jdbc.additional-jdbc-properties.options");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Set<String> applicationKeys;
    private static Properties properties;

    @BeforeAll
    static void readConfiguration() throws Exception {
        properties = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            properties.load(in);
        }
        applicationKeys = new TreeSet<>();
        Path classes = Path.of("target/classes");
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type = Class.forName(name, false, DeploymentFilesTest.class.getClassLoader());
                ConfigMapping mapping = type.getAnnotation(ConfigMapping.class);
                if (mapping != null) {
                    keys(mapping.prefix(), type, applicationKeys);
                }
            }
        }
        assertTrue(applicationKeys.contains("storage.s3.access-key-id"), "the configuration was read: " + applicationKeys);
        assertTrue(applicationKeys.contains("process.roles"));
    }

    @Test
    void composeRunsTwoServersBehindABalancerTwoWorkersAndTheirServices() throws IOException {
        JsonNode services = read(ROOT.resolve("docker-compose.yml")).get(0).get("services");
        Set<String> names = new HashSet<>();
        services.fieldNames().forEachRemaining(names::add);
        assertTrue(names.containsAll(Set.of("postgres", "minio", "chain", "balancer", "server-1", "server-2", "worker")),
                names.toString());

        for (String server : List.of("server-1", "server-2")) {
            JsonNode service = services.get(server);
            assertEquals(IMAGE + ":latest", service.get("image").asText(), server);
            Map<String, String> env = env(service.get("environment"));
            assertEquals("web,leader", env.get("PROCESS_ROLES"), server);
            assertEquals("s3", env.get("STORAGE_KIND"), server + " shares the bucket");
            assertEquals("http://minio:9000", env.get("STORAGE_S3_ENDPOINT"));
            env.keySet().forEach(name -> assertConfigKey(name, "docker-compose.yml " + server));
            assertTrue(service.get("healthcheck").get("test").toString().contains("/q/health/ready"));
        }
        assertTrue(ROOT.resolve(services.get("server-1").get("build").get("dockerfile").asText()).toFile().isFile());

        JsonNode worker = services.get("worker");
        Map<String, String> workerEnv = env(worker.get("environment"));
        assertEquals("worker", workerEnv.get("PROCESS_ROLES"));
        assertEquals(2, worker.get("deploy").get("replicas").asInt(), "two workers");
        workerEnv.keySet().forEach(name -> assertConfigKey(name, "docker-compose.yml worker"));
        assertEquals(env(services.get("server-1").get("environment")).get("STORAGE_ENCRYPTION_KEY"),
                workerEnv.get("STORAGE_ENCRYPTION_KEY"), "every process holds the same test-set key");
        assertEquals(32, java.util.Base64.getDecoder().decode(workerEnv.get("STORAGE_ENCRYPTION_KEY")).length);

        // The balancer sends requests to both servers on the port they listen on.
        String nginx = Files.readString(ROOT.resolve("deploy/nginx.conf"));
        String port = properties.getProperty("quarkus.http.port");
        assertTrue(nginx.contains("server server-1:" + port) && nginx.contains("server server-2:" + port), nginx);
        assertTrue(services.get("balancer").get("volumes").get(0).asText().startsWith("./deploy/nginx.conf:"));
        assertTrue(services.get("balancer").get("ports").get(0).asText().endsWith(":8080"));
        assertEquals("s3", env(services.get("server-2").get("environment")).get("STORAGE_KIND"), "server-2 as server-1");
    }

    @Test
    void kubernetesManifestsMatchTheApplication() throws IOException {
        Map<String, JsonNode> byName = new HashMap<>();
        JsonNode kustomization = read(KUBERNETES.resolve("kustomization.yaml")).get(0);
        for (JsonNode resource : kustomization.get("resources")) {
            for (JsonNode document : read(KUBERNETES.resolve(resource.asText()))) {
                byName.put(document.get("kind").asText() + "/" + document.get("metadata").get("name").asText(), document);
            }
        }
        assertFalse(byName.containsKey("Secret/bountymarket-secrets"), "secrets are referenced, never applied from here");
        JsonNode secret = read(KUBERNETES.resolve("secret.example.yaml")).get(0);
        Set<String> secretKeys = new HashSet<>();
        secret.get("stringData").fieldNames().forEachRemaining(secretKeys::add);
        JsonNode config = byName.get("ConfigMap/bountymarket-config");
        config.get("data").fieldNames().forEachRemaining(name -> assertConfigKey(name, "ConfigMap bountymarket-config"));
        assertEquals("s3", config.get("data").get("STORAGE_KIND").asText());

        JsonNode web = container(byName.get("Deployment/bountymarket-web"));
        Map<String, String> webEnv = checkEnv(web, "web", secret, secretKeys);
        assertEquals("web,leader", webEnv.get("PROCESS_ROLES"));
        assertEquals("false", webEnv.get("QUARKUS_FLYWAY_MIGRATE_AT_START"), "servers leave migrations to the Job");
        int port = Integer.parseInt(properties.getProperty("quarkus.http.port"));
        assertEquals(port, web.get("ports").get(0).get("containerPort").asInt());
        assertEquals("/q/health/ready", web.get("readinessProbe").get("httpGet").get("path").asText());
        assertEquals("/q/health/live", web.get("livenessProbe").get("httpGet").get("path").asText());
        assertEquals(web.get("ports").get(0).get("name").asText(), web.get("readinessProbe").get("httpGet").get("port").asText());
        assertTrue(byName.get("Deployment/bountymarket-web").get("spec").get("replicas").asInt() >= 2);
        assertEquals("http", byName.get("Service/bountymarket-web").get("spec").get("ports").get(0).get("targetPort")
                .asText());
        // Health lives where Quarkus puts it unless the application moved it.
        assertFalse(properties.stringPropertyNames().stream().anyMatch(k -> k.startsWith("quarkus.smallrye-health.root-path")
                || k.equals("quarkus.http.non-application-root-path")), "probe paths moved");

        JsonNode worker = container(byName.get("Deployment/bountymarket-worker"));
        Map<String, String> workerEnv = checkEnv(worker, "worker", secret, secretKeys);
        assertEquals("worker", workerEnv.get("PROCESS_ROLES"));
        assertFalse(workerEnv.containsKey("KEEPER_PRIVATE_KEY"), "a worker never holds the keeper's key");
        assertEquals(1, worker.get("resources").get("limits").get("nvidia.com/gpu").asInt());
        assertEquals("/q/health/live", worker.get("livenessProbe").get("httpGet").get("path").asText());

        JsonNode job = byName.get("Job/bountymarket-migrate");
        JsonNode migrate = job.get("spec").get("template").get("spec").get("containers").get(0);
        Map<String, String> migrateEnv = checkEnv(migrate, "migrate", secret, secretKeys);
        assertEquals("true", migrateEnv.get("QUARKUS_INIT_AND_EXIT"));
        assertEquals("true", migrateEnv.get("QUARKUS_FLYWAY_MIGRATE_AT_START"));
        assertEquals("true", properties.getProperty("quarkus.flyway.migrate-at-start"), "the Job relies on it");
    }

    /** The container's image and env: each name a configuration key, each secret reference a documented key. */
    private Map<String, String> checkEnv(JsonNode container, String what, JsonNode secret, Set<String> secretKeys) {
        assertEquals(IMAGE, container.get("image").asText(), what);
        Map<String, String> env = new HashMap<>();
        for (JsonNode variable : container.get("env")) {
            String name = variable.get("name").asText();
            assertConfigKey(name, what);
            JsonNode ref = variable.path("valueFrom").path("secretKeyRef");
            if (!ref.isMissingNode()) {
                assertEquals(secret.get("metadata").get("name").asText(), ref.get("name").asText(), what + " " + name);
                assertTrue(secretKeys.contains(ref.get("key").asText()), what + " " + name + " refers to a key the Secret"
                        + " does not document: " + ref.get("key").asText());
                env.put(name, "<secret>");
            } else {
                env.put(name, variable.get("value").asText());
            }
        }
        for (JsonNode from : container.path("envFrom")) {
            assertEquals("bountymarket-config", from.get("configMapRef").get("name").asText());
        }
        return env;
    }

    private static JsonNode container(JsonNode deployment) {
        JsonNode containers = deployment.get("spec").get("template").get("spec").get("containers");
        assertEquals(1, containers.size());
        return containers.get(0);
    }

    private static void assertConfigKey(String envName, String where) {
        for (String key : applicationKeys) {
            if (envForm(key).equals(envName)) {
                return;
            }
        }
        for (String key : QUARKUS_KEYS) {
            if (envForm(key).equals(envName)) {
                return;
            }
        }
        fail(where + " sets " + envName + ", which is no configuration key of the application");
    }

    /** How SmallRye Config reads a key from the environment: upper case, every other character an underscore. */
    static String envForm(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    private static Map<String, String> env(JsonNode environment) {
        Map<String, String> env = new HashMap<>();
        environment.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        return env;
    }

    /** Every YAML document in the file, anchors, aliases and merge keys ({@code <<: *app-env}) resolved as Compose does. */
    private static List<JsonNode> read(Path file) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (var reader = Files.newBufferedReader(file)) {
            for (Object document : new Yaml().loadAll(reader)) {
                documents.add(JSON.valueToTree(document));
            }
        }
        return documents;
    }

    /** The keys of a @ConfigMapping interface: each method in kebab case, nested interfaces as groups. */
    private static void keys(String prefix, Class<?> type, Set<String> into) {
        for (Method method : type.getDeclaredMethods()) {
            if (method.getParameterCount() != 0 || method.isDefault() || java.lang.reflect.Modifier.isStatic(
                    method.getModifiers())) {
                continue;
            }
            String key = prefix + "." + kebab(method.getName());
            Class<?> returned = method.getReturnType();
            if (returned.isInterface() && returned.getAnnotation(FunctionalInterface.class) == null
                    && returned.getPackageName().startsWith("dev.bountymarket")) {
                keys(key, returned, into);
            } else {
                into.add(key);
            }
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
