package dev.bountymarket.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;

/** A progress bar on standard error (a new line per 10% when it is not a terminal, so logs stay readable). */
final class Progress {
    private final PrintStream out;
    private final String label;
    private final long total;
    private final boolean terminal = System.console() != null;
    private long done;
    private int shown = -1;

    Progress(PrintStream out, String label, long total) {
        this.out = out;
        this.label = label;
        this.total = total;
    }

    synchronized void add(long bytes) {
        done += bytes;
        int percent = total == 0 ? 100 : (int) Math.min(100, done * 100 / total);
        int step = terminal ? percent : percent / 10 * 10;
        if (step != shown) {
            shown = step;
            int filled = percent / 5;
            String bar = "[" + "#".repeat(filled) + " ".repeat(20 - filled) + "] " + percent + "% of " + human(total);
            out.print(terminal ? "\r" + label + " " + bar : label + " " + bar + "\n");
            out.flush();
        }
    }

    void done() {
        if (terminal) {
            out.println();
        }
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1 << 20) {
            return String.format("%.1f KiB", bytes / 1024.0);
        }
        return String.format("%.1f MiB", bytes / (double) (1 << 20));
    }

    /** An input stream that reports what is read from it. */
    static final class Counting extends FilterInputStream {
        private final Progress progress;

        Counting(InputStream in, Progress progress) {
            super(in);
            this.progress = progress;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                progress.add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                progress.add(n);
            }
            return n;
        }
    }
}
