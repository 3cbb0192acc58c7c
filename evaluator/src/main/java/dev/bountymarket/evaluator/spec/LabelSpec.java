package dev.bountymarket.evaluator.spec;

/**
 * Where the true labels are: a column of the CSV test set, or for images a column of a CSV file inside the
 * zip ({@code file}, default {@code labels.csv}) whose {@code imageColumn} names the image entry.
 */
public record LabelSpec(String column, String file, String imageColumn) {}
