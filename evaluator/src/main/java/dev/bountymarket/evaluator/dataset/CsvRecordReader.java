package dev.bountymarket.evaluator.dataset;

import dev.bountymarket.evaluator.EvaluationException;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain RFC 4180 reader for small CSV files (headers, labels.csv): comma separated, fields optionally in
 * double quotes with {@code ""} for a quote, quoted fields may span lines, {@code \n} or {@code \r\n} line
 * ends, a leading UTF-8 byte order mark is skipped, blank lines are skipped. A field or a record past its cap is
 * refused as soon as it gets there, so one endless line cannot fill the memory.
 */
final class CsvRecordReader {
    private final Reader in;
    private final String fileName;
    private final int maxField;
    private final int maxRecord;
    private int recordLength;
    private long line = 1;
    private long recordLine;
    private boolean first = true;

    /** @param maxField characters in one field; @param maxRecord characters in one record */
    CsvRecordReader(Reader in, String fileName, int maxField, int maxRecord) {
        this.in = in;
        this.fileName = fileName;
        this.maxField = maxField;
        this.maxRecord = maxRecord;
    }

    /** The line on which the last returned record started. */
    long recordLine() {
        return recordLine;
    }

    /** The next record's fields, or null at the end of the file. */
    List<String> next() throws IOException, EvaluationException {
        int c = read();
        if (first) {
            first = false;
            if (c == '\uFEFF') {
                c = read();
            }
        }
        while (c == '\n' || c == '\r') {
            if (c == '\r') {
                c = read();
                if (c != '\n') {
                    throw Malformed.at(fileName, line, "a carriage return not followed by a line feed");
                }
            }
            line++;
            c = read();
        }
        if (c == -1) {
            return null;
        }
        recordLine = line;
        recordLength = 0;
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        while (true) {
            if (c == '"' && field.length() == 0) {
                while (true) {
                    c = read();
                    if (c == -1) {
                        throw Malformed.at(fileName, recordLine, "a quoted field is not closed");
                    }
                    if (c == '"') {
                        c = read();
                        if (c != '"') {
                            break;
                        }
                    } else if (c == '\n') {
                        line++;
                    }
                    append(field, c);
                }
                if (c != ',' && c != '\n' && c != '\r' && c != -1) {
                    throw Malformed.at(fileName, line, "text after a closing quote");
                }
            }
            if (c == ',') {
                countInRecord();
                fields.add(field.toString());
                field.setLength(0);
                c = read();
                continue;
            }
            if (c == '\r') {
                c = read();
                if (c != '\n') {
                    throw Malformed.at(fileName, line, "a carriage return not followed by a line feed");
                }
            }
            if (c == '\n' || c == -1) {
                fields.add(field.toString());
                if (c == '\n') {
                    line++;
                }
                return fields;
            }
            append(field, c);
            c = read();
        }
    }

    private void append(StringBuilder field, int c) throws EvaluationException {
        if (field.length() >= maxField) {
            throw Malformed.overLimit(fileName + " line " + recordLine, "a field longer than "
                    + Malformed.count(maxField) + " characters");
        }
        countInRecord();
        field.append((char) c);
    }

    private void countInRecord() throws EvaluationException {
        if (++recordLength > maxRecord) {
            throw Malformed.overLimit(fileName + " line " + recordLine, "a record longer than "
                    + Malformed.count(maxRecord) + " characters");
        }
    }

    private int read() throws IOException {
        return in.read();
    }
}
