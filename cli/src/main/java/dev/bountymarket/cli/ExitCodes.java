package dev.bountymarket.cli;

/** The exit codes of every subcommand (listed in {@code bountymarket --help} and the README). */
public final class ExitCodes {
    /** Done; for {@code audit}: every hash and every re-run matched; for {@code check}: the model runs. */
    public static final int OK = 0;
    /** {@code audit}: something differs (named in the table); {@code check}: the model was refused. */
    public static final int MISMATCH = 1;
    /** The server or the chain refused or failed (its message is printed), or a download did not hash as expected. */
    public static final int REMOTE = 2;
    /** {@code audit}: nothing differs, but some entries could not be re-run (their models are not published). */
    public static final int INCOMPLETE = 3;
    /** Bad command line. */
    public static final int USAGE = 64;
    /** A local file is missing or unreadable, or the key cannot be loaded. */
    public static final int LOCAL = 66;
    /** Not signed in, or the stored token file is readable by other users. */
    public static final int NOT_SIGNED_IN = 77;

    private ExitCodes() {
    }
}
