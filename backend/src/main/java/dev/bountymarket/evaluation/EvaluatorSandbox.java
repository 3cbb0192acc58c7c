package dev.bountymarket.evaluation;

import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import io.quarkus.logging.Log;

import dev.bountymarket.evaluator.sandbox.SandboxLimits;
import dev.bountymarket.evaluator.sandbox.SandboxedEvaluator;
import dev.bountymarket.storage.StorageConfig;

/** The sandboxed evaluator the server uses: each evaluation in its own child JVM with the configured limits. */
@ApplicationScoped
public class EvaluatorSandbox {

    private static final String CHILD_CLASS = "dev/bountymarket/evaluator/sandbox/ChildMain.class";

    @Produces
    @ApplicationScoped
    SandboxedEvaluator evaluator(EvaluationConfig config, StorageConfig storage) {
        SandboxLimits limits = SandboxLimits.defaults()
                .withTimeout(config.timeout())
                .withValidationTimeout(config.validationTimeout())
                .withHeapBytes(config.heapMib() << 20)
                .withMaxModelBytes(storage.maxModelBytes())
                .withClasspath(config.classpath().orElseGet(EvaluatorSandbox::childClasspath))
                .withIsolation(config.isolation());
        SandboxedEvaluator evaluator = new SandboxedEvaluator(limits);
        if (evaluator.isolation().sandboxed()) {
            Log.infof("Evaluation isolation: %s", evaluator.isolation().description());
        } else {
            Log.warnf("Evaluation isolation: %s", evaluator.isolation().description());
        }
        // the children's natives and class archive, made once here rather than in the first upload check's wait
        Thread warmUp = new Thread(evaluator::prepare, "evaluator-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
        return evaluator;
    }

    /**
     * This JVM's class path when it holds the evaluator (tests, a plain {@code java -cp}); otherwise every jar in the
     * folder that holds the evaluator's jar ({@code quarkus-app/lib/main} in the packaged application).
     */
    static String childClasspath() {
        String own = System.getProperty("java.class.path", "");
        for (String entry : own.split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (Files.isDirectory(path) ? Files.exists(path.resolve(CHILD_CLASS))
                    : path.getFileName() != null && path.getFileName().toString().contains("bountymarket-evaluator")) {
                return own;
            }
        }
        URL resource = SandboxedEvaluator.class.getClassLoader().getResource(CHILD_CLASS);
        String url = resource == null ? "" : resource.toString();
        if (!url.startsWith("jar:file:") || !url.contains("!/")) {
            throw new IllegalStateException("Cannot find the evaluator's jar (found " + url + "): set"
                    + " EVALUATOR_CLASSPATH to the evaluator's -cli.jar");
        }
        Path jar = Path.of(java.net.URI.create(url.substring("jar:".length(), url.indexOf("!/"))));
        return jar.getParent().resolve("*").toString();
    }
}
