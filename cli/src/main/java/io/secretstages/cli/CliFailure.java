package io.secretstages.cli;

/**
 * A command that cannot run, with its exit code and a one-line message for the user: a usage error (exit
 * {@link Stagectl#USAGE}: a bad option value, file or URL) or a store failure (exit {@link Stagectl#STORE_FAILED}: the
 * database cannot be reached, is missing, has no schema, or timed out). The message never holds a password or a
 * secret value.
 */
final class CliFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    private CliFailure(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    /** @return a usage error (exit 2) */
    static CliFailure usage(String message) {
        return new CliFailure(Stagectl.USAGE, message);
    }

    /** @return a store or connection failure (exit 5) */
    static CliFailure store(String message) {
        return new CliFailure(Stagectl.STORE_FAILED, message);
    }

    int exitCode() {
        return exitCode;
    }
}
