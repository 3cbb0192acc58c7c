package dev.bountymarket.bounty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.dataset.SamplePreview;
import dev.bountymarket.evaluator.model.ModelBundle;
import dev.bountymarket.evaluator.spec.BountySpec;
import dev.bountymarket.evaluator.spec.ImageInput;
import dev.bountymarket.evaluator.spec.OutputKind;
import dev.bountymarket.evaluator.spec.OutputShape;
import dev.bountymarket.evaluator.spec.TabularInput;
import dev.bountymarket.storage.ContentStore;
import dev.bountymarket.storage.StorageConfig;
import dev.bountymarket.storage.StoredObject;
import io.quarkus.logging.Log;

/**
 * What a bounty page tells a contributor before they train anything: a preview of the public sample (computed once per
 * sample and kept, since a stored sample never changes under its SHA-256) and the requirements a model must meet, taken
 * from the spec, the evaluator's checks and this server's limits.
 */
@ApplicationScoped
public class BountyData {

    /** Previews kept in memory; past this many, the cache starts over (a preview costs one read of the sample). */
    static final int CACHED_PREVIEWS = 256;

    @Inject
    ContentStore store;

    @Inject
    StorageConfig storage;

    private final Map<String, Preview> previews = new ConcurrentHashMap<>();

    /** The sample's preview, or the reason there is none ({@code problem}). */
    public record Preview(SamplePreview sample, String problem) {
    }

    /** Where a metric is explained, and one line on what it measures. */
    public record MetricInfo(String name, String meaning, String url) {
    }

    /** An export recipe: the framework and the code. */
    public record Recipe(String framework, String code) {
    }

    /**
     * What the evaluator accepts for this bounty. {@code inputName} is null when the spec lets the model name its only
     * input as it likes.
     */
    public record ModelRequirements(String inputName, String inputShape, String inputType, String inputMeaning,
            String outputName, String outputMeaning, String outputShapes, String outputTypes, String runtime,
            long maxModelBytes, int maxBundleFiles, List<Recipe> recipes) {
    }

    /** The public sample's preview, read once per sample; empty when the bounty has none. */
    public Optional<Preview> preview(Bounty bounty) {
        Optional<StoredObject> sample = bounty.publicSample();
        if (sample.isEmpty() || bounty.specJson == null) {
            return Optional.empty();
        }
        String key = sample.get().sha256() + ":" + bounty.specHash;
        Preview cached = previews.get(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        Preview computed = compute(bounty, sample.get());
        if (previews.size() >= CACHED_PREVIEWS) {
            previews.clear();
        }
        previews.put(key, computed);
        return Optional.of(computed);
    }

    private Preview compute(Bounty bounty, StoredObject sample) {
        Path copy = null;
        try {
            BountySpec spec = BountySpec.parse(bounty.specJson);
            copy = Files.createTempFile("bountymarket-sample-", ".preview");
            store.copyTo(sample, copy);
            String name = "public-sample-" + bounty.id + (spec.input() instanceof ImageInput ? ".zip" : ".csv");
            return new Preview(SamplePreview.of(copy, name, spec), null);
        } catch (EvaluationException e) {
            // The sample passed the same reader at upload; a failure now is the platform's, and said so.
            Log.warnf("No preview of bounty %d's public sample: %s", bounty.id, e.getMessage());
            return new Preview(null, "The preview could not be made (" + e.getMessage() + "); the download is unchanged.");
        } catch (IOException | UncheckedIOException e) {
            Log.warnf(e, "No preview of bounty %d's public sample", bounty.id);
            return new Preview(null, "The preview could not be made: the server could not read the sample.");
        } finally {
            if (copy != null) {
                try {
                    Files.deleteIfExists(copy);
                } catch (IOException e) {
                    Log.debugf("Temporary preview file %s stays: %s", copy, e.getMessage());
                }
            }
        }
    }

    /** The metric's meaning in one line, and a page that defines it. */
    public static MetricInfo metric(String metric) {
        String base = "https://scikit-learn.org/stable/modules/model_evaluation.html#";
        return switch (metric == null ? "" : metric) {
            case "accuracy" -> new MetricInfo(metric, "the share of rows whose predicted class is the true class",
                    base + "accuracy-score");
            case "balanced_accuracy" -> new MetricInfo(metric,
                    "the mean, over the classes, of the share of each class's rows predicted right", base
                            + "balanced-accuracy-score");
            case "macro_f1" -> new MetricInfo(metric, "the unweighted mean of each class's F1 (precision and recall)",
                    base + "precision-recall-f-measure-metrics");
            case "roc_auc" -> new MetricInfo(metric,
                    "the chance that a random positive row is scored above a random negative one", base + "roc-metrics");
            case "log_loss" -> new MetricInfo(metric,
                    "the mean negative log of the probability given to the true class; confident mistakes cost most",
                    base + "log-loss");
            case "rmse" -> new MetricInfo(metric, "the square root of the mean squared error, in the label's units",
                    base + "mean-squared-error");
            case "mae" -> new MetricInfo(metric, "the mean absolute error, in the label's units",
                    base + "mean-absolute-error");
            case "r2" -> new MetricInfo(metric, "the share of the label's variance the model explains (1 is perfect)",
                    base + "r2-score");
            default -> new MetricInfo(metric, "", null);
        };
    }

    /** The model requirements for a bounty with a spec here; empty for one created outside this marketplace. */
    public Optional<ModelRequirements> requirements(Bounty bounty) {
        if (bounty.specJson == null) {
            return Optional.empty();
        }
        BountySpec spec;
        try {
            spec = BountySpec.parse(bounty.specJson);
        } catch (EvaluationException e) {
            return Optional.empty();
        }
        String shape = Arrays.stream(spec.input().shape()).mapToObj(d -> d < 0 ? "N" : Long.toString(d))
                .collect(Collectors.joining(", ", "[", "]"));
        String inputMeaning;
        if (spec.input() instanceof TabularInput tabular) {
            inputMeaning = "one row per sample, the columns " + String.join(", ", tabular.features())
                    + " in this order";
        } else {
            ImageInput image = (ImageInput) spec.input();
            inputMeaning = image.layout() + " images resized (bilinear) to " + image.height() + "x" + image.width()
                    + ", " + image.channels() + " channel(s) in " + image.channelOrder() + " order, each value"
                    + " (pixel / 255 - mean) / std with mean " + image.mean() + " and std " + image.std();
        }
        OutputKind kind = spec.output().kind();
        String classes = spec.task().isClassification() ? " in the class order " + spec.classes() : "";
        String outputMeaning = switch (kind) {
            case PROBABILITIES -> "class probabilities" + classes;
            case LOGITS -> "unnormalised class scores (logits)" + classes;
            case LABELS -> "predicted class indices into " + spec.classes();
            case VALUES -> "the predicted value of each row";
        };
        OutputShape convention = spec.output().shape();
        String outputShapes = convention == OutputShape.PER_CLASS ? "[N, " + spec.classCount() + "]"
                : "[N] or [N, 1]";
        String outputTypes = kind == OutputKind.LABELS ? "float32, float64, int32 or int64" : "float32 or float64";
        return Optional.of(new ModelRequirements(spec.input().name().orElse(null), shape, "float32", inputMeaning,
                spec.output().name().orElse(null), outputMeaning, outputShapes, outputTypes, runtime(),
                storage.maxModelBytes(), ModelBundle.MAX_FILES, recipes(spec)));
    }

    private static List<Recipe> recipes(BountySpec spec) {
        String input = spec.input().name().orElse("input");
        List<Recipe> recipes = new ArrayList<>();
        if (spec.input() instanceof TabularInput tabular) {
            int n = tabular.features().size();
            boolean classifier = spec.task().isClassification();
            String probabilities = classifier ? "\n# the model's outputs are 'label' and 'probabilities': name the one the"
                    + " spec reads\n" : "\n";
            recipes.add(new Recipe("scikit-learn (skl2onnx)", """
                    from skl2onnx import to_onnx
                    from skl2onnx.common.data_types import FloatTensorType
                    onx = to_onnx(model, initial_types=[("%s", FloatTensorType([None, %d]))],
                                  options={id(model): {"zipmap": False}}, target_opset=17)%s
                    open("model.onnx", "wb").write(onx.SerializeToString())
                    """.formatted(input, n, classifier ? "  # zipmap=False: plain tensors" : "") + probabilities));
            recipes.add(new Recipe("XGBoost / LightGBM (onnxmltools)", """
                    from onnxmltools import convert_xgboost   # or convert_lightgbm
                    from onnxmltools.convert.common.data_types import FloatTensorType
                    onx = convert_xgboost(model, initial_types=[("%s", FloatTensorType([None, %d]))], target_opset=17)
                    open("model.onnx", "wb").write(onx.SerializeToString())
                    # train on the columns in the spec's order: the converter names features f0, f1, ...
                    """.formatted(input, n)));
            recipes.add(new Recipe("Tribuo (Java)", """
                    // Tribuo's linear, factorization-machine and tree models implement ONNXExportable
                    model.saveONNXModel("dev.example", 1, Path.of("model.onnx"));
                    // its input is named "input" and takes [N, %d] float32; name the output in the spec if it has two
                    """.formatted(n)));
        }
        String dummy = spec.input() instanceof TabularInput tabular ? "torch.randn(1, " + tabular.features().size() + ")"
                : "torch.randn(1, " + Arrays.stream(spec.input().shape()).skip(1).mapToObj(Long::toString)
                        .collect(Collectors.joining(", ")) + ")";
        recipes.add(new Recipe("PyTorch (torch.onnx.export)", """
                import torch
                model.eval()
                torch.onnx.export(model, %s, "model.onnx", input_names=["%s"], output_names=["%s"],
                                  dynamic_axes={"%s": {0: "N"}, "%s": {0: "N"}}, opset_version=17)
                """.formatted(dummy, input, spec.output().name().orElse("output"), input,
                spec.output().name().orElse("output"))));
        return List.copyOf(recipes);
    }

    /**
     * The ONNX Runtime release the evaluator runs models with, from the library's jar manifest (the class is looked up,
     * not initialised, so no native library is loaded here).
     */
    static String runtime() {
        try {
            Class<?> engine = Class.forName("ai.onnxruntime.OrtEnvironment", false, BountyData.class.getClassLoader());
            String version = engine.getPackage().getImplementationVersion();
            return version == null ? "ONNX Runtime" : "ONNX Runtime " + version;
        } catch (ClassNotFoundException | LinkageError e) {
            return "ONNX Runtime";
        }
    }
}
