package io.secretstages.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A file named on the command line (a value file, a password file), read with a size bound so that a device such
 * as {@code /dev/zero} cannot make stagectl read forever. Every failure is a usage error naming the path.
 */
final class InputFile {
    private InputFile() {
    }

    /**
     * @param what what the file is, for the message ("value file")
     * @param path the path as given
     * @param maxBytes the most bytes accepted
     * @return the content
     * @throws CliFailure a usage error if the file is missing, a directory, unreadable or larger than maxBytes
     */
    static byte[] read(String what, Path path, int maxBytes) {
        if (Files.isDirectory(path)) {
            throw CliFailure.usage(what + " " + path + " is a directory");
        }
        try (InputStream in = Files.newInputStream(path)) {
            return readBounded(in, maxBytes, what + " " + path);
        } catch (NoSuchFileException e) {
            throw CliFailure.usage(what + " " + path + " does not exist");
        } catch (AccessDeniedException e) {
            throw CliFailure.usage(what + " " + path + " is not readable (permission denied)");
        } catch (IOException e) {
            throw CliFailure.usage("cannot read " + what + " " + path + ": " + e.getMessage());
        }
    }

    /**
     * @param in the stream
     * @param maxBytes the most bytes accepted
     * @param source what the stream is, for the message
     * @return the stream's content
     * @throws CliFailure a usage error if the stream holds more than maxBytes
     * @throws IOException if reading fails
     */
    static byte[] readBounded(InputStream in, int maxBytes, String source) throws IOException {
        byte[] bytes = in.readNBytes(maxBytes + 1);
        if (bytes.length > maxBytes) {
            throw CliFailure.usage(source + " holds more than " + maxBytes + " bytes");
        }
        return bytes;
    }
}
