package io.secretstages.cli;

import io.secretstages.spi.StoreException;
import io.secretstages.store.jdbc.DriverManagerDataSource;
import io.secretstages.store.jdbc.JdbcStageRepository;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Opens the store a command works on. Only {@code init-schema} may create a database or apply DDL; every other
 * command opens an existing database only (H2: {@code IFEXISTS=TRUE}; SQLite: the file must exist) and checks that
 * the store's tables are there, so a mistyped URL is refused with the command that would create it. A failure to
 * connect is one line naming its cause ({@link ConnectionFailure}).
 */
final class StoreOpener {
    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

    /**
     * The connection options of the command line.
     *
     * @param jdbcUrl the {@code --jdbc-url} (or the default)
     * @param user the {@code --user}, or null
     * @param passwordFile the {@code --password-file}, or null
     * @param timeout the {@code --timeout}
     * @param environment the process environment (for {@value PasswordSource#ENVIRONMENT_VARIABLE})
     */
    record Options(String jdbcUrl, String user, Path passwordFile, Duration timeout, Map<String, String> environment) {
        /** @return the options without the URL and the environment, either of which may hold a password */
        @Override
        public String toString() {
            return "Options[jdbcUrl=(not shown), user=" + user + ", passwordFile=" + passwordFile + ", timeout="
                    + timeout + ", environment=(" + environment.size() + " variables, not shown)]";
        }
    }

    private StoreOpener() {
    }

    /**
     * @param options the connection options
     * @param createSchema true for {@code init-schema}: create the database if need be and apply the DDL
     * @return the repository over the database
     * @throws CliFailure a usage error (bad URL, no driver, bad password file) or a store failure (cannot connect,
     *                    no database, no schema)
     */
    static JdbcStageRepository open(Options options, boolean createSchema) {
        JdbcUrl given = JdbcUrl.parse(options.jdbcUrl());
        JdbcUrl url = createSchema ? given.durable() : given.durable().existingDatabaseOnly();
        requireDriver(url);
        String initSchema = initSchemaCommand(options, given);
        String password = PasswordSource.given(options.passwordFile(), options.environment()).orElse(null); // usage first
        if (createSchema && url.isSqlite()) { // SQLite creates the file but not its directory (H2 does both)
            Optional<Path> file = url.databaseFile();
            if (file.isPresent() && file.get().toAbsolutePath().getParent() != null) {
                try {
                    Files.createDirectories(file.get().toAbsolutePath().getParent());
                } catch (java.io.IOException e) {
                    throw CliFailure.store("cannot create the directory of " + file.get() + ": " + e.getMessage());
                }
            }
        }
        if (!createSchema && url.isSqlite()) {
            Optional<Path> file = url.databaseFile();
            if (file.isPresent() && !Files.exists(file.get())) {
                throw CliFailure.store("no database at " + file.get() + " (only init-schema creates one): run `"
                        + initSchema + "` first");
            }
        }
        ConnectionFailure.Target target = new ConnectionFailure.Target(given, options.user(), password,
                options.timeout(), initSchema);
        DriverManagerDataSource dataSource = new DriverManagerDataSource(url.value(), options.user(), password, options.timeout());
        String product;
        try {
            product = probe(dataSource, url, createSchema, initSchema);
        } catch (SQLException e) {
            Optional<String> typed = password == null && ConnectionFailure.isAuthenticationFailure(e)
                    ? PasswordSource.prompt(options.user(), given) : Optional.empty();
            if (typed.isEmpty()) {
                throw ConnectionFailure.describe(e, target);
            }
            target = new ConnectionFailure.Target(given, options.user(), typed.get(), options.timeout(), initSchema);
            dataSource = new DriverManagerDataSource(url.value(), options.user(), typed.get(), options.timeout());
            try {
                product = probe(dataSource, url, createSchema, initSchema);
            } catch (SQLException again) {
                throw ConnectionFailure.describe(again, target);
            }
        }
        try {
            return JdbcStageRepository.builder(dataSource).initializeSchema(createSchema)
                    .statementTimeout(options.timeout()).networkTimeout(options.timeout()).build();
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage("stagectl works with SQLite, H2 and PostgreSQL; " + url.redacted() + " is " + product);
        } catch (StoreException e) {
            // a StoreException's message names what failed and never a value (its contract)
            throw CliFailure.store("cannot " + (createSchema ? "apply the schema to " : "open ") + given.redacted()
                    + ": " + e.getMessage()
                    + ConnectionFailure.knownCause(e, given, options.timeout()).map(c -> " (" + c + ")").orElse(""));
        }
    }

    /** One connection: the product name, and (unless the schema is to be created) the check that it exists. */
    private static String probe(DriverManagerDataSource dataSource, JdbcUrl url, boolean createSchema, String initSchema)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            String product = c.getMetaData().getDatabaseProductName();
            if (!createSchema) {
                List<String> missing = SchemaCheck.missingTables(c);
                if (!missing.isEmpty()) {
                    String database = url.databaseFile().map(Path::toString).orElse(url.redacted());
                    throw CliFailure.store("the database " + database + " has no stagectl schema (missing "
                            + String.join(", ", missing) + "): run `" + initSchema + "` first");
                }
            }
            return product;
        }
    }

    /** A URL no driver on the class path accepts is a usage error, before any connection is tried. */
    private static void requireDriver(JdbcUrl url) {
        try {
            DriverManager.getDriver(url.value());
        } catch (SQLException e) {
            if (url.isH2() || url.isPostgresql()) {
                throw CliFailure.usage("not a valid " + (url.isH2() ? "H2" : "PostgreSQL") + " JDBC URL: "
                        + url.redacted());
            }
            throw CliFailure.usage("no JDBC driver for jdbc:" + url.subprotocol() + ": in stagectl (it includes "
                    + "SQLite, H2 and PostgreSQL): " + url.redacted());
        }
    }

    /** @return the command line that creates this database and its schema, for messages */
    private static String initSchemaCommand(Options options, JdbcUrl given) {
        StringBuilder command = new StringBuilder("stagectl init-schema");
        if (!Stagectl.DEFAULT_JDBC_URL.equals(options.jdbcUrl())) {
            command.append(" --jdbc-url=").append(shellWord(given.redacted()));
        }
        if (options.user() != null) {
            command.append(" --user ").append(shellWord(options.user()));
        }
        return command.toString();
    }

    private static String shellWord(String word) {
        return SHELL_SAFE.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}
