package dev.bountymarket.evaluator.sandbox;

import dev.bountymarket.evaluator.EvaluationRequest;
import dev.bountymarket.evaluator.dataset.LiveSplit;
import dev.bountymarket.evaluator.examples.HostileModels;
import dev.bountymarket.evaluator.examples.Specs;
import dev.bountymarket.evaluator.examples.TabularData;
import dev.bountymarket.evaluator.spec.BountySpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The training run behind {@link ChildRuntime}'s class archive: {@code ChildWarmUp <scratch folder>}, run once per
 * worker (not sandboxed: it runs only this code on data it makes itself). It scores a small generated model on a small
 * generated test set through {@link ChildMain}, in full and on a part of a live split, so that the JVM that runs it
 * (started with {@code -XX:ArchiveClassesAtExit}) archives the classes every evaluation loads. Exit 0 when both went
 * through.
 */
public final class ChildWarmUp {
    private ChildWarmUp() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: ChildWarmUp <scratch folder>");
            System.exit(64);
        }
        Path work = Path.of(args[0]);
        TabularData data = new TabularData(TabularData.Kind.REGRESSION, 3, 0, 1);
        BountySpec spec = Specs.regression(data.featureNames());
        Path model = Files.write(work.resolve("model.onnx"), HostileModels.embedded(3));
        Path testSet = work.resolve("test.csv");
        data.writeCsv(testSet, 200, 1, List.of());
        EvaluationRequest whole = new EvaluationRequest(spec, model, testSet);
        EvaluationRequest part = whole.part(new byte[32], LiveSplit.Part.PRIVATE);
        int i = 0;
        for (EvaluationRequest request : List.of(whole, part)) {
            Path requestFile = work.resolve("request-" + i + ".json");
            ChildProtocol.writeRequest(requestFile, request);
            int exit = ChildMain.run(new String[] {requestFile.toString(), work.resolve("result-" + i++ + ".json").toString()});
            if (exit != 0) {
                System.err.println("the warm-up evaluation failed with exit code " + exit);
                System.exit(1);
            }
        }
        System.exit(0);
    }
}
