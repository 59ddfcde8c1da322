package io.secretstages.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JDBC URL given to stagectl: which database it names, the form that opens only an existing database, and a
 * redacted form for messages (no {@code password=} setting).
 */
final class JdbcUrl {
    private static final Pattern PASSWORD_SETTING = Pattern.compile("(?i)((?:password|pwd)=)[^;&]*");
    private static final Pattern H2_IFEXISTS = Pattern.compile("(?i);\\s*IFEXISTS\\s*=[^;]*");
    private static final Pattern HOST_PORT = Pattern.compile("//([^/;?]+)");

    private final String url;

    private JdbcUrl(String url) {
        this.url = url;
    }

    /**
     * @param url the URL as given
     * @return the URL
     * @throws CliFailure a usage error if it is not a JDBC URL
     */
    static JdbcUrl parse(String url) {
        if (url == null || !url.regionMatches(true, 0, "jdbc:", 0, 5) || url.indexOf(':', 5) < 0) {
            throw CliFailure.usage("not a JDBC URL: '" + redact(String.valueOf(url)) + "' (expected jdbc:<driver>:..., "
                    + "for example " + Stagectl.DEFAULT_JDBC_URL + ")");
        }
        return new JdbcUrl(url);
    }

    /** @return the driver name after {@code jdbc:}, lower case, such as {@code h2} or {@code postgresql} */
    String subprotocol() {
        return url.substring(5, url.indexOf(':', 5)).toLowerCase(Locale.ROOT);
    }

    boolean isH2() {
        return subprotocol().equals("h2");
    }

    boolean isPostgresql() {
        return subprotocol().equals("postgresql");
    }

    boolean isSqlite() {
        return subprotocol().equals("sqlite");
    }

    /**
     * @return this URL with the setting an H2 file database needs so that a commit it acknowledged survives a crash
     *         of the process: {@code ;WRITE_DELAY=0} (H2's default writes the file up to 500 ms after the commit),
     *         unless the URL names a WRITE_DELAY itself; other URLs are returned as they are. (The store-jdbc
     *         module's {@code DurableJdbcUrl} does the same, and more, once it is on main.)
     */
    JdbcUrl durable() {
        String lower = url.toLowerCase(Locale.ROOT);
        if (!isH2() || lower.startsWith("jdbc:h2:mem:") || lower.contains(";write_delay=")) {
            return this;
        }
        return new JdbcUrl(url + ";WRITE_DELAY=0");
    }

    /**
     * @return this URL changed so that the driver refuses to create a database: H2 gets {@code IFEXISTS=TRUE}
     *         (replacing any IFEXISTS setting); other URLs are returned as they are
     */
    JdbcUrl existingDatabaseOnly() {
        if (!isH2()) {
            return this;
        }
        return new JdbcUrl(H2_IFEXISTS.matcher(url).replaceAll("") + ";IFEXISTS=TRUE");
    }

    /**
     * @return the database file an embedded URL names, resolved against the working directory: an H2 file
     *         database's base path (H2 adds {@code .mv.db}) or a SQLite file; empty for servers and in-memory
     *         databases
     */
    Optional<Path> databaseFile() {
        String rest = url.substring(url.indexOf(':', 5) + 1);
        if (isH2()) {
            rest = rest.split(";", 2)[0];
            if (rest.startsWith("mem:") || rest.startsWith("tcp:") || rest.startsWith("ssl:")) {
                return Optional.empty();
            }
            rest = rest.startsWith("file:") ? rest.substring(5) : rest.startsWith("split:") ? rest.substring(6) : rest;
        } else if (isSqlite()) {
            rest = rest.split("\\?", 2)[0];
            rest = rest.startsWith("file:") ? rest.substring(5) : rest;
            if (rest.isEmpty() || rest.startsWith(":memory:") || rest.startsWith(":resource:")) {
                return Optional.empty();
            }
        } else {
            return Optional.empty();
        }
        if (rest.startsWith("~")) {
            rest = System.getProperty("user.home") + rest.substring(1);
        }
        return rest.isEmpty() ? Optional.empty() : Optional.of(Path.of(rest).toAbsolutePath().normalize());
    }

    /** @return {@code host:port} of a server URL, or the redacted URL when it names none */
    String server() {
        Matcher m = HOST_PORT.matcher(url);
        return m.find() ? m.group(1) : redacted();
    }

    /** @return the URL for the driver (may hold a password setting: never print it) */
    String value() {
        return url;
    }

    /** @return the URL with any password setting replaced by {@code ***}, for messages */
    String redacted() {
        return redact(url);
    }

    /** @return the text with any {@code password=} setting replaced by {@code ***} */
    static String redact(String text) {
        return PASSWORD_SETTING.matcher(text).replaceAll("$1***");
    }

    /** @return the redacted URL */
    @Override
    public String toString() {
        return redacted();
    }
}
