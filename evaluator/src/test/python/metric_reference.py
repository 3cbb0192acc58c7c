"""Reference values for ClassificationReferenceTest, computed without the evaluator.

Run with Debian's python and scikit-learn (bookworm: python3-sklearn 1.2.1, python3-numpy 1.24.2):

    /usr/bin/python3 evaluator/src/test/python/metric_reference.py

It prints the Java table that ClassificationReferenceTest holds; paste it there when a case changes.
ROC-AUC is scikit-learn's roc_auc_score on the raw scores docs/metrics.md defines (binary: y_score = the
positive class's score; multiclass: the mean over classes of roc_auc_score(y == c, score_c), which is
roc_auc_score(y, P, multi_class="ovr", average="macro") when P holds probabilities). Log-loss is the
formula of docs/metrics.md written out in plain Python floats (IEEE doubles), since scikit-learn clips
at another eps. Nothing here is a test dependency: the tests only read the pasted numbers.
"""
import math
import textwrap

import numpy as np
from scipy.special import logsumexp
from sklearn.metrics import roc_auc_score

EPS = 1e-15

# name, kind, classes, width, dtype, rows as (label, outputs)
CASES = [
    ("saturated binary probabilities, one column", "probabilities", 2, 1, "float64", [
        (1, [1.0]), (1, [1.0]), (1, [0.9999999999999999]), (1, [0.9999999999999997]),
        (1, [0.9999999999999993]), (1, [0.9999999999999991]), (1, [0.99999999]), (1, [0.97]),
        (1, [0.6]), (1, [3e-16]), (1, [0.0]),
        (0, [0.0]), (0, [0.0]), (0, [0.0]), (0, [1e-300]), (0, [2e-20]), (0, [7e-16]), (0, [4e-12]),
        (0, [0.01]), (0, [0.35]), (0, [0.9999999999999996]), (0, [0.9999999999999992]), (0, [1.0]),
    ]),
    ("multiclass float32 probabilities with exact zeros", "probabilities", 4, 4, "float32", [
        (0, [0.7, 0.3, 0, 0]), (0, [0.9, 0, 0.1, 0]), (0, [1, 0, 0, 0]), (0, [0.2, 0.2, 0.3, 0.3]),
        (1, [0.1, 0.9, 0, 0]), (1, [0, 1, 0, 0]), (1, [0.3, 0.3, 0.4, 0]), (1, [0, 0.6, 0, 0.4]),
        (2, [0, 0, 1, 0]), (2, [0.1, 0.2, 0.7, 0]), (2, [0, 0.3, 0.3, 0.4]), (2, [0.6, 0, 0.4, 0]),
        (3, [0, 0, 0, 1]), (3, [0.1, 0, 0, 0.9]), (3, [0, 0.7, 0, 0.3]), (3, [0.05, 0.15, 0.1, 0.7]),
    ]),
    ("binary logits, one column", "logits", 2, 1, "float64", [
        (1, [60.0]), (1, [45.0]), (1, [38.0]), (1, [37.5]), (1, [36.0]), (1, [12.0]), (1, [0.5]),
        (1, [-3.0]), (1, [-36.0]), (1, [-50.0]),
        (0, [50.0]), (0, [40.0]), (0, [37.0]), (0, [2.0]), (0, [-0.0]), (0, [-4.0]), (0, [-35.0]),
        (0, [-40.0]), (0, [-60.0]), (0, [-800.0]),
    ]),
    ("binary logits, two columns", "logits", 2, 2, "float64", [
        (1, [0.0, 40.0]), (1, [-10.0, 30.0]), (1, [3.0, 2.0]), (1, [-20.0, 25.0]), (1, [5.0, 5.5]),
        (0, [40.0, 0.0]), (0, [1.0, 38.0]), (0, [0.0, 0.0]), (0, [2.0, 44.0]), (0, [-1.0, -3.0]),
    ]),
    ("multiclass logits", "logits", 3, 3, "float64", [
        (0, [40.0, 0.0, -5.0]), (0, [35.0, 1.0, 0.0]), (0, [3.0, 1.0, 0.0]), (0, [0.0, 2.0, 1.0]),
        (0, [0.0, 39.0, 0.0]),
        (1, [0.0, 50.0, 10.0]), (1, [-2.0, 38.0, 0.0]), (1, [1.0, 2.0, 0.5]), (1, [2.0, 1.0, 0.0]),
        (1, [36.0, 0.0, 0.0]),
        (2, [0.0, 0.0, 45.0]), (2, [5.0, 3.0, 60.0]), (2, [0.3, 0.1, 0.2]), (2, [1.0, 0.0, 0.9]),
        (2, [0.0, 0.0, 37.0]),
    ]),
    ("ties, including -0.0 and 0.0", "probabilities", 2, 1, "float64", [
        (1, [0.8]), (0, [0.8]), (1, [0.8]), (0, [0.5]), (1, [0.5]), (0, [0.5]), (1, [0.0]), (0, [-0.0]),
        (1, [1.0]), (0, [0.2]), (0, [0.2]), (1, [0.2]),
    ]),
    ("log-loss bound, one column certain and wrong", "probabilities", 2, 1, "float64", [
        (0, [1.0]), (0, [1.0]),
    ]),
    ("log-loss bound, unnormalised rows", "probabilities", 3, 3, "float64", [
        (2, [1.0, 1.0, 0.0]), (2, [1.0, 1.0, 0.0]),
    ]),
]


def scores(kind, classes, width, row):
    """The raw score of each scored class (class 1 only for binary tasks), docs/metrics.md."""
    if width == 1:
        return [row[0]]
    if kind == "probabilities":
        s = list(row)
    else:
        s = [row[c] - logsumexp(np.delete(np.array(row, dtype=np.float64), c)) for c in range(classes)]
    return [s[1]] if classes == 2 else s


def clip(v):
    return min(max(v, EPS), 1 - EPS)


def sigmoid(v):
    return 1 / (1 + math.exp(-v)) if v >= 0 else math.exp(v) / (1 + math.exp(v))


def log_loss_row(kind, classes, width, row, label):
    if width == 1:
        p1 = clip(sigmoid(row[0]) if kind == "logits" else row[0])
        p = [1 - p1, p1]
    else:
        if kind == "logits":
            m = max(row)
            e = [math.exp(v - m) for v in row]
            t = 0.0
            for v in e:
                t += v
            r = [v / t for v in e]
        else:
            r = list(row)
        c = [clip(v) for v in r]
        t = 0.0
        for v in c:
            t += v
        p = [v / t for v in c]
    return -math.log(p[label])


def auc(classes, labels, score_columns):
    y = np.array(labels)
    per_class = []
    for k, column in enumerate(score_columns):
        positive = 1 if classes == 2 else k
        truth = (y == positive).astype(int)
        if truth.min() == truth.max():
            continue
        per_class.append(roc_auc_score(truth, column))
    return float(np.mean(per_class)) if per_class else float("nan")


def java_number(v, dtype):
    if dtype == "float32":
        return str(np.float32(v)) + "f"
    return repr(float(v))


def main():
    for name, kind, classes, width, dtype, rows in CASES:
        labels = [label for label, _ in rows]
        outputs = [np.array(out, dtype=dtype).astype(np.float64).tolist() for _, out in rows]
        per_row = [scores(kind, classes, width, out) for out in outputs]
        columns = [np.array([s[k] for s in per_row]) for k in range(len(per_row[0]))]
        value = auc(classes, labels, columns)
        log_loss = 0.0
        for label, out in zip(labels, outputs):
            log_loss += log_loss_row(kind, classes, width, out, label)
        log_loss /= len(rows)
        if classes > 2 and kind == "probabilities" and not math.isnan(value) and len(set(labels)) == classes:
            # the same value through scikit-learn's own one-vs-rest macro average
            ovr = roc_auc_score(labels, np.array([out for _, out in rows], dtype=dtype), multi_class="ovr",
                                average="macro")
            assert abs(ovr - value) < 1e-15, (ovr, value)
        flat = ", ".join(java_number(v, dtype) for _, out in rows for v in out)
        outputs_java = ("f32(" + flat + ")") if dtype == "float32" else ("new double[] {" + flat + "}")
        print(f'                new Case("{name}", OutputKind.{kind.upper()}, {classes}, {width},')
        print(f'                        new int[] {{{", ".join(map(str, labels))}}},')
        print(textwrap.fill(outputs_java + ",", width=118, initial_indent=" " * 24, subsequent_indent=" " * 32))
        print(f'                        {"Double.NaN" if math.isnan(value) else repr(value)}, {repr(log_loss)}),')


main()
