package io.secretstages.cli;

import io.secretstages.ErrorCode;
import io.secretstages.SecretValue;
import io.secretstages.Stage;
import io.secretstages.StageException;
import io.secretstages.StageManager;
import io.secretstages.VersionMetadata;
import io.secretstages.spi.StageRepository;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import java.util.concurrent.Callable;

/**
 * {@code stagectl}: secret versions and stages from the command line, over any JDBC URL. Exit codes: 0 success,
 * {@value #USAGE} usage error (bad option, file or URL), {@value #REFUSED} refused (an HTTP 4xx error code),
 * {@value #STORE_FAILED} store failure (5xx: the database cannot be reached, does not exist, has no schema, or timed
 * out). Values are never printed unless {@code get-version --show-value} asks for them; the database password never
 * comes from the command line ({@link PasswordSource}). Only {@code init-schema} creates a database or applies DDL
 * ({@link StoreOpener}).
 *
 * <p>Every subcommand is registered in the {@code subcommands} list of this class's {@code @Command}, and only there.
 */
@Command(name = "stagectl", mixinStandardHelpOptions = true, version = "stagectl 0.1.0",
        description = "Secret versions and their stages (SYSCURRENT, SYSPREVIOUS, custom) over a JDBC database or an"
                + " etcd cluster.",
        subcommands = {SecretCommands.InitSchema.class, VersionCommands.CreateSecret.class,
                VersionCommands.PutVersion.class, VersionCommands.GetVersion.class, VersionCommands.ListVersions.class,
                StageCommands.GetStage.class, StageCommands.UpdateStage.class, StageCommands.DeleteStage.class,
                StageCommands.ListStages.class, SecretCommands.DeleteSecret.class, SecretCommands.DescribeSecret.class,
                SecretCommands.ListSecrets.class, SecretCommands.ScheduleDeletion.class,
                SecretCommands.RestoreSecret.class, SecretCommands.PurgeExpired.class, Serve.class,
                RewrapCommand.class})
public final class Stagectl {
    /** The database when {@code --jdbc-url} is not given: the demo's SQLite file (the one place that names it). */
    static final String DEFAULT_JDBC_URL = "jdbc:sqlite:./data/demo/stages.db";
    static final int USAGE = 2;
    static final int REFUSED = 4;
    static final int STORE_FAILED = 5;
    /** The PostgreSQL driver logs through java.util.logging to stderr (URLs included); stagectl reports itself. */
    private static final java.util.logging.Logger POSTGRESQL_DRIVER_LOG = java.util.logging.Logger.getLogger("org.postgresql");

    @Option(names = "--jdbc-url", scope = CommandLine.ScopeType.INHERIT, defaultValue = DEFAULT_JDBC_URL,
            description = "JDBC URL (default: ${DEFAULT-VALUE}, the demo's SQLite file)")
    String jdbcUrl;
    @Option(names = "--etcd", paramLabel = "URLS", scope = CommandLine.ScopeType.INHERIT,
            description = "the store is this etcd cluster instead of a JDBC database: its members' client URLs,"
                    + " comma-separated (http://127.0.0.1:2379,http://127.0.0.1:22379)")
    String etcd;
    @Option(names = "--etcd-prefix", paramLabel = "PREFIX", scope = CommandLine.ScopeType.INHERIT,
            defaultValue = EtcdOption.DEFAULT_PREFIX,
            description = "with --etcd: the prefix of every key of the store (default: ${DEFAULT-VALUE})")
    String etcdPrefix;
    @Option(names = "--user", scope = CommandLine.ScopeType.INHERIT, description = "database user")
    String user;
    @Option(names = "--password-file", paramLabel = "FILE", scope = CommandLine.ScopeType.INHERIT,
            description = "read the database password from this file (else from $" + PasswordSource.ENVIRONMENT_VARIABLE
                    + ", else a prompt if the database asks for one and this is a terminal)")
    Path passwordFile;
    /** Refused: accepted only to say so without echoing the password, which the process list has shown already. */
    @Option(names = "--password", scope = CommandLine.ScopeType.INHERIT, hidden = true)
    String passwordOnCommandLine;
    @Option(names = "--timeout", scope = CommandLine.ScopeType.INHERIT, defaultValue = "30s",
            converter = DurationConverter.class, paramLabel = "DURATION",
            description = "the command's deadline: it bounds each login and statement (a network read: 1s past it),"
                    + " and the command gives up 2s past it (for example 30s, 500ms, 2m; default: ${DEFAULT-VALUE})")
    Duration timeout;
    @Option(names = {"-p", "--project"}, scope = CommandLine.ScopeType.INHERIT, defaultValue = "demo-project",
            description = "project id (default: ${DEFAULT-VALUE})")
    String project;
    @Option(names = "--keyset", paramLabel = "FILE", scope = CommandLine.ScopeType.INHERIT,
            description = "the database is encrypted at rest: its key-encryption keyset (cleartext Tink JSON keyset)")
    Path keyset;
    @Option(names = "--json", scope = CommandLine.ScopeType.INHERIT,
            description = "print the provider's JSON response shapes")
    boolean json;

    /**
     * Runs stagectl and exits with its exit code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        POSTGRESQL_DRIVER_LOG.setLevel(java.util.logging.Level.OFF);
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line; returns the exit code. */
    static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Stagectl());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            Stagectl root = line.getCommandSpec().root().userObject() instanceof Stagectl s ? s : null;
            boolean asJson = root != null && root.json;
            if (e instanceof CliFailure f) {
                err.println(asJson && f.exitCode() == STORE_FAILED
                        ? "{\"error_code\":\"CSMS.0001\",\"error_msg\":" + Json.string(f.getMessage()) + "}"
                        : "error: " + f.getMessage());
                return f.exitCode();
            }
            if (e instanceof StageException se) {
                ErrorCode code = se.code();
                String message = se.getMessage();
                if (code == ErrorCode.STORE_FAILURE && root != null) {
                    message += storeCause(se).or(() -> root.etcd != null ? Optional.empty()
                                    : ConnectionFailure.knownCause(se, JdbcUrl.parse(root.jdbcUrl), root.timeout))
                            .map(c -> " (" + c + ")").orElse("");
                }
                if (asJson) {
                    err.println("{\"error_code\":" + Json.string(code.errorCode()) + ",\"error_msg\":"
                            + Json.string(code + ": " + message) + "}");
                } else {
                    err.println("error " + code.errorCode() + " (" + code + ", HTTP " + code.httpStatus() + "): "
                            + message);
                }
                return code.httpStatus() >= 500 ? STORE_FAILED : REFUSED;
            }
            err.println((asJson ? "{\"error_code\":\"CSMS.0001\",\"error_msg\":" + Json.string(String.valueOf(e.getMessage())) + "}"
                    : "error: " + e));
            return STORE_FAILED;
        });
        return cl.execute(args);
    }

    /**
     * @return the message of an encryption failure (E3: it names the value's place and the key id it needs, never a
     *         value or a key) or of an etcd failure (what failed, and whether a write's outcome is unknown) under a
     *         store failure, if that is the cause
     */
    private static Optional<String> storeCause(Throwable failure) {
        for (Throwable t = failure.getCause(); t != null; t = t.getCause()) {
            if (t instanceof io.secretstages.spi.StoreException && t.getMessage() != null
                    && (t.getMessage().startsWith("could not decrypt") || t.getMessage().startsWith("could not encrypt")
                    || t.getMessage().startsWith("could not re-wrap") || t.getMessage().startsWith("etcd "))) {
                return Optional.of(t.getMessage());
            }
        }
        return Optional.empty();
    }

    /**
     * Opens the store without a deadline on the whole command (for a long-running command; the JDBC timeouts
     * still apply).
     *
     * @param createSchema true only for {@code init-schema}: create the database if need be and apply the DDL;
     *                     otherwise the database and its schema must exist
     * @return the repository
     * @throws CliFailure if the options are bad or the database cannot be opened
     */
    StageRepository repository(boolean createSchema) {
        Optional<EtcdOption> cluster = etcdOption();
        if (cluster.isPresent()) {
            return cluster.get().open(timeout);
        }
        if (passwordOnCommandLine != null) {
            throw CliFailure.usage("--password is not accepted: every user of this machine can read it in the process"
                    + " list; set $" + PasswordSource.ENVIRONMENT_VARIABLE + ", use --password-file FILE, or type it"
                    + " at the prompt");
        }
        return StoreOpener.open(new StoreOpener.Options(jdbcUrl, user, passwordFile, timeout, System.getenv()),
                createSchema);
    }

    /**
     * @return the {@code --etcd} option, checked (a usage error before any connection), if given
     */
    Optional<EtcdOption> etcdOption() {
        if (etcd == null) {
            return Optional.empty();
        }
        if (!DEFAULT_JDBC_URL.equals(jdbcUrl)) {
            throw CliFailure.usage("--etcd and --jdbc-url name two stores: give one");
        }
        return Optional.of(EtcdOption.parse(etcd, etcdPrefix));
    }

    /** @return the store the options name, for messages (a JDBC URL redacted, or the etcd cluster) */
    String storeName() {
        return etcd != null ? EtcdOption.parse(etcd, etcdPrefix).describe() : JdbcUrl.parse(jdbcUrl).redacted();
    }

    /**
     * @return the {@code --keyset} option, read and checked (a usage error before any store is opened)
     */
    KeysetOption keysetOption() {
        return KeysetOption.read(keyset);
    }

    /**
     * The store a command works on: the keyset read first, then the store opened ({@link #repository}), encrypting
     * with {@code --keyset} or, without it, refusing to hand out sealed values ({@link KeysetOption#apply}).
     */
    StageRepository store(boolean createSchema) {
        KeysetOption keys = keysetOption();
        return keys.apply(repository(createSchema));
    }

    /** A one-shot command's manager: the store opened ({@link #store}) under the command's deadline. */
    StageManager manager(boolean createSchema) {
        KeysetOption keys = keysetOption();
        etcdOption();
        CommandDeadline.start(timeout, storeName(), json, new PrintWriter(System.err, true));
        return StageManager.builder().repository(keys.apply(repository(createSchema))).callTimeout(timeout).build();
    }

    /** Base of the subcommands: access to the global options and the output. */
    abstract static class Sub implements Callable<Integer> {
        @CommandLine.ParentCommand
        Stagectl root;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        StageManager manager() {
            return root.manager(false);
        }

        void printStage(Stage s) {
            if (root.json) {
                out().println("{\"stage\":" + Json.stage(s) + "}");
            } else {
                stageTable(List.of(s));
            }
        }

        void stageTable(List<Stage> stages) {
            out().printf("%-16s %-10s %s%n", "STAGE", "VERSION", "UPDATED (epoch ms)");
            for (Stage s : stages) {
                out().printf("%-16s %-10s %d%n", s.name(), s.versionId(), s.updateTime().toEpochMilli());
            }
        }

        void versionTable(List<VersionMetadata> versions) {
            out().printf("%-10s %-16s %s%n", "VERSION", "CREATED (ms)", "STAGES");
            for (VersionMetadata v : versions) {
                out().printf("%-10s %-16d %s%n", v.id(), v.createTime().toEpochMilli(),
                        String.join(",", new java.util.TreeSet<>(v.stages())));
            }
        }

        void printMetadata(VersionMetadata v) {
            if (root.json) {
                out().println("{\"version_metadata\":" + Json.versionMetadata(v) + "}");
            } else {
                versionTable(List.of(v));
            }
        }

        /** A list as {@code {"field":[...]<jsonTail>}} with {@code --json}, else as a table. */
        <T> void printList(String field, List<T> items, java.util.function.Function<T, String> toJson,
                           String jsonTail, java.util.function.Consumer<List<T>> table) {
            if (root.json) {
                List<String> elements = new ArrayList<>();
                items.forEach(i -> elements.add(toJson.apply(i)));
                out().println("{\"" + field + "\":" + Json.array(elements) + jsonTail + "}");
            } else {
                table.accept(items);
            }
        }

        void done(String what) {
            out().println(root.json ? "{}" : what);
        }
    }

    abstract static class WithValue extends Sub {
        @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
        ValueSource source;
        @Option(names = "--binary", description = "store the bytes as a binary value (default: UTF-8 text)")
        boolean binary;
        @Option(names = "--allow-empty", description = "accept an empty value (refused by default: usually a mistake)")
        boolean allowEmpty;

        SecretValue value() {
            return source.read(binary, allowEmpty, System.in);
        }
    }
}
