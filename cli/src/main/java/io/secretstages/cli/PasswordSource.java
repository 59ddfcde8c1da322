package io.secretstages.cli;

import java.io.Console;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where the database password comes from, never the command line (which every user of the machine can read in the
 * process list): {@code --password-file FILE} first, then the environment variable {@value #ENVIRONMENT_VARIABLE},
 * then, only if the database refuses a login without one and stagectl runs in a terminal, a prompt that does not
 * echo.
 */
final class PasswordSource {
    /** The environment variable holding the database password. */
    static final String ENVIRONMENT_VARIABLE = "STAGECTL_PASSWORD";
    private static final int MAX_PASSWORD_FILE_BYTES = 64 * 1024;

    private PasswordSource() {
    }

    /**
     * @param file the {@code --password-file}, or null
     * @param environment the process environment
     * @return the password, or empty if neither the file nor the environment gives one
     * @throws CliFailure a usage error if the file is missing, a directory, unreadable or empty
     */
    static Optional<String> given(Path file, Map<String, String> environment) {
        if (file != null) {
            String text = new String(InputFile.read("password file", file, MAX_PASSWORD_FILE_BYTES),
                    StandardCharsets.UTF_8);
            // the line break an editor or `echo` leaves at the end is not part of the password
            text = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                    : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
            if (text.isEmpty()) {
                throw CliFailure.usage("password file " + file + " is empty");
            }
            return Optional.of(text);
        }
        String fromEnvironment = environment.get(ENVIRONMENT_VARIABLE);
        return fromEnvironment == null || fromEnvironment.isEmpty() ? Optional.empty() : Optional.of(fromEnvironment);
    }

    /**
     * @param user the database user
     * @param database the database, for the prompt
     * @return the password typed at the terminal, or empty if stagectl does not run in a terminal
     */
    static Optional<String> prompt(String user, JdbcUrl database) {
        Console console = System.console();
        if (console == null || !isTerminal(console)) {
            return Optional.empty();
        }
        char[] typed = console.readPassword("Password for %s on %s: ", user == null ? "(default user)" : user,
                database.redacted());
        return typed == null ? Optional.empty() : Optional.of(new String(typed));
    }

    /** Java 22 returns a Console even when the streams are redirected; its isTerminal() tells (Java 17 lacks it). */
    private static boolean isTerminal(Console console) {
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }
}
