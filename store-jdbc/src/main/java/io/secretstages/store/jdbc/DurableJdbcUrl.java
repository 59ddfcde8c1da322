package io.secretstages.store.jdbc;

import java.util.Locale;

/**
 * Completes a JDBC URL with the settings an embedded database needs so that a commit it acknowledged survives a
 * crash of the process (issue 12). The library applies it wherever it builds a connection from a URL
 * ({@link DriverManagerDataSource}); apply it to the URL you give your own pool.
 *
 * <ul>
 *   <li><b>H2</b> (any URL but {@code jdbc:h2:mem:}): {@code ;WRITE_DELAY=0}. H2's default (500 ms) acknowledges a
 *       commit before it is written to the file: a process crash loses every commit of that window. With 0 each
 *       commit is written to the file (the operating system's cache) before it returns, which a process crash cannot
 *       lose; H2 does not fsync at a commit, so a power loss or kernel crash still can.</li>
 *   <li><b>SQLite</b> ({@code jdbc:sqlite:} a file): {@code journal_mode=WAL}, {@code synchronous=FULL} (the WAL is
 *       fsynced at each commit: a commit survives a power loss too), {@code foreign_keys=true} (the schema's keys)
 *       and {@code busy_timeout=10000} (a writer waits up to 10 s for another one instead of failing at once).</li>
 *   <li>Anything else is returned as it is: a server database's durability is the server's configuration (for
 *       PostgreSQL keep {@code fsync} and {@code synchronous_commit} on, the defaults).</li>
 * </ul>
 * A setting the URL already names is kept as the URL has it ({@link JdbcStageRepository.Builder#build()} then checks
 * the database and refuses one that can lose commits).
 */
public final class DurableJdbcUrl {
    private DurableJdbcUrl() {
    }

    /**
     * @param url a JDBC URL
     * @return the URL with the settings above added where it did not name them
     */
    public static String of(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:h2:") && !lower.startsWith("jdbc:h2:mem:")) {
            return lower.contains(";write_delay=") ? url : url + ";WRITE_DELAY=0";
        }
        if (lower.startsWith("jdbc:sqlite:") && !lower.contains(":memory:")) {
            StringBuilder b = new StringBuilder(url);
            String[] settings = {"journal_mode=WAL", "synchronous=FULL", "foreign_keys=true", "busy_timeout=10000"};
            for (String setting : settings) {
                String name = setting.substring(0, setting.indexOf('=') + 1);
                if (!lower.contains("?" + name) && !lower.contains("&" + name)) {
                    b.append(b.indexOf("?") < 0 ? '?' : '&').append(setting);
                }
            }
            return b.toString();
        }
        return url;
    }
}
