package io.secretstages.cli;

import io.secretstages.SecretValue;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Where a new version's value comes from: exactly one of an argument, a file, or standard input (a picocli argument
 * group). Reading is bounded by R7's 32 KiB, and an empty value is refused (a usage error) unless
 * {@code --allow-empty} says it is meant: an empty pipe is far more often a mistake than a secret.
 */
final class ValueSource {
    /** R7: a value holds at most 32 KiB; reading stops one byte past it. */
    static final int MAX_VALUE_BYTES = 32 * 1024;

    @Option(names = "--value", description = "the value, as text (visible in the process list: prefer a file or stdin)")
    String text;
    @Option(names = "--value-file", paramLabel = "FILE", description = "read the value from a file")
    Path file;
    @Option(names = "--value-stdin", description = "read the value from standard input")
    boolean stdin;

    /**
     * @param binary whether the bytes are a binary value (else UTF-8 text)
     * @param allowEmpty whether an empty value is accepted
     * @param standardInput the process's standard input
     * @return the value
     * @throws CliFailure a usage error for a bad file, more than 32 KiB from a file or stdin, or an empty value
     */
    SecretValue read(boolean binary, boolean allowEmpty, InputStream standardInput) {
        byte[] bytes;
        String from;
        if (text != null) {
            bytes = text.getBytes(StandardCharsets.UTF_8);
            from = "--value";
        } else if (file != null) {
            bytes = InputFile.read("value file", file, MAX_VALUE_BYTES);
            from = "value file " + file;
        } else {
            from = "standard input (--value-stdin)";
            try {
                bytes = InputFile.readBounded(standardInput, MAX_VALUE_BYTES, from);
            } catch (IOException e) {
                throw CliFailure.usage("cannot read " + from + ": " + e.getMessage());
            }
        }
        if (bytes.length == 0 && !allowEmpty) {
            throw CliFailure.usage("the value from " + from + " is empty; add --allow-empty if an empty value is meant");
        }
        return binary ? SecretValue.ofBinary(bytes) : SecretValue.ofString(new String(bytes, StandardCharsets.UTF_8));
    }
}
