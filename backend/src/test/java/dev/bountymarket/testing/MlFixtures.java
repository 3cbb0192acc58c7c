package dev.bountymarket.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import dev.bountymarket.evaluator.examples.Specs;
import dev.bountymarket.evaluator.examples.TabularData;
import dev.bountymarket.evaluator.examples.TribuoModels;

/**
 * A binary-classification bounty's files, made for real: a spec (ROC-AUC), a public sample and a hidden test set
 * drawn from one hidden rule, a logistic regression trained on that rule (good), one trained on another rule (weak,
 * near chance), and a truncated copy of the good one (broken).
 */
public record MlFixtures(Path dir, String spec, Path publicSample, Path testSet, Path goodModel, Path weakModel,
        Path brokenModel) {

    public static MlFixtures write(Path dir) {
        try {
            TabularData task = new TabularData(TabularData.Kind.BINARY, 8, 2, 7);
            TabularData otherRule = new TabularData(TabularData.Kind.BINARY, 8, 2, 1234);
            List<String> labels = List.of("no", "yes");
            var good = TribuoModels.logisticRegression(task, 3000, labels, dir.resolve("good.onnx"));
            TribuoModels.logisticRegression(otherRule, 3000, labels, dir.resolve("weak.onnx"));
            byte[] bytes = Files.readAllBytes(good.onnx());
            Files.write(dir.resolve("broken.onnx"), Arrays.copyOf(bytes, bytes.length / 2));
            task.writeCsv(dir.resolve("sample.csv"), 300, 11, labels);
            task.writeCsv(dir.resolve("test.csv"), 3000, 12, labels);
            String spec = Specs.tabularJson("binary_classification", "roc_auc", good.classes(), task.featureNames(),
                    "probabilities", "[N,C]");
            return new MlFixtures(dir, spec, dir.resolve("sample.csv"), dir.resolve("test.csv"), good.onnx(),
                    dir.resolve("weak.onnx"), dir.resolve("broken.onnx"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
