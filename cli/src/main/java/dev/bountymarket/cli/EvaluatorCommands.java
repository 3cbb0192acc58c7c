package dev.bountymarket.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.bountymarket.evaluator.cli.EvaluatorCli;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * The evaluator's own commands, unchanged, under the one {@code bountymarket} command: their options are the
 * evaluator's (evaluator/README.md), passed through as given.
 */
final class EvaluatorCommands {
    private EvaluatorCommands() {
    }

    private abstract static class PassThrough implements Callable<Integer> {
        @Unmatched
        List<String> arguments = new ArrayList<>();

        abstract String name();

        @Override
        public Integer call() {
            List<String> args = new ArrayList<>();
            args.add(name());
            args.addAll(arguments);
            return new EvaluatorCli(System.out, System.err).run(args.toArray(String[]::new));
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Re-run one evaluation and compare it with a posted report.",
            footer = {"", "Options (the evaluator's): --spec SPEC.json --model MODEL.onnx --test-set TEST.(csv|zip)",
                    "  [--expect-hash 0x...] [--expect-report REPORT.json] [--in-process] [--threads N]",
                    "  [--device auto|cpu|gpu] [--timeout-seconds N] [--heap-mb N]",
                    "Exit codes: 0 match, 1 mismatch, 2 the evaluation failed, 64 usage."})
    static final class Verify extends PassThrough {
        @Override
        String name() {
            return "verify";
        }
    }

    @Command(name = "results", mixinStandardHelpOptions = true,
            description = "Hash a bounty's results document (its reportHash) and list its entries.",
            footer = {"", "Options: --results RESULTS.json [--expect-hash 0x...]",
                    "Exit codes: 0 ok or match, 1 mismatch, 64 usage."})
    static final class Results extends PassThrough {
        @Override
        String name() {
            return "results";
        }
    }

    @Command(name = "spec-hash", mixinStandardHelpOptions = true,
            description = "Print a spec's canonical form and its hash (the specHash on-chain).",
            footer = {"", "Options: --spec SPEC.json"})
    static final class SpecHash extends PassThrough {
        @Override
        String name() {
            return "spec-hash";
        }
    }

    @Command(name = "evaluate", mixinStandardHelpOptions = true,
            description = "Score a model on a test set and print the result envelope.",
            footer = {"", "Options: --spec SPEC.json --model MODEL.onnx --test-set TEST.(csv|zip) [--out RESULT.json]",
                    "  and verify's run options."})
    static final class Evaluate extends PassThrough {
        @Override
        String name() {
            return "evaluate";
        }
    }
}
