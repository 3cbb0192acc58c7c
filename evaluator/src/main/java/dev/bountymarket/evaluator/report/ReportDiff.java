package dev.bountymarket.evaluator.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/** Field-by-field differences between two reports, as dotted paths, for the verify command. */
public final class ReportDiff {
    private ReportDiff() {}

    /** One line per differing leaf: {@code metrics.accuracy: expected "0.9" but got "0.8"}. */
    public static List<String> differences(Report expected, Report actual) {
        List<String> out = new ArrayList<>();
        walk("", expected.json(), actual.json(), out);
        return out;
    }

    private static void walk(String path, JsonNode expected, JsonNode actual, List<String> out) {
        if (expected != null && actual != null && expected.isObject() && actual.isObject()) {
            TreeSet<String> keys = new TreeSet<>();
            for (Iterator<String> it = expected.fieldNames(); it.hasNext(); ) {
                keys.add(it.next());
            }
            for (Iterator<String> it = actual.fieldNames(); it.hasNext(); ) {
                keys.add(it.next());
            }
            for (String key : keys) {
                walk(path.isEmpty() ? key : path + "." + key, expected.get(key), actual.get(key), out);
            }
            return;
        }
        if (expected != null && actual != null && expected.isArray() && actual.isArray()
                && expected.size() == actual.size() && containsContainers(expected)) {
            for (int i = 0; i < expected.size(); i++) {
                walk(path + "[" + i + "]", expected.get(i), actual.get(i), out);
            }
            return;
        }
        String e = expected == null ? "(absent)" : CanonicalJson.string(expected);
        String a = actual == null ? "(absent)" : CanonicalJson.string(actual);
        if (!e.equals(a)) {
            out.add(path + ": expected " + e + " but got " + a);
        }
    }

    private static boolean containsContainers(JsonNode array) {
        for (JsonNode item : array) {
            if (item.isContainerNode()) {
                return true;
            }
        }
        return false;
    }
}
