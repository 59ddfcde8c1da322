package io.secretstages.cli;

import io.secretstages.ErrorCode;
import io.secretstages.SecretMetadata;
import io.secretstages.SecretPage;
import io.secretstages.SecretValue;
import io.secretstages.SecretVersion;
import io.secretstages.Stage;
import io.secretstages.StageException;
import io.secretstages.StageManager;
import io.secretstages.VersionMetadata;
import io.secretstages.spi.StageRepository;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
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
        subcommands = {Stagectl.InitSchema.class, Stagectl.CreateSecret.class, Stagectl.PutVersion.class,
                Stagectl.GetVersion.class, Stagectl.ListVersions.class, Stagectl.GetStage.class,
                Stagectl.UpdateStage.class, Stagectl.DeleteStage.class, Stagectl.ListStages.class,
                Stagectl.DeleteSecret.class, Stagectl.DescribeSecret.class, Stagectl.ListSecrets.class,
                Stagectl.ScheduleDeletion.class, Stagectl.RestoreSecret.class, Stagectl.PurgeExpired.class, Serve.class,
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
            description = "the command's deadline: it bounds each login, statement and network read, and the command"
                    + " gives up 2s past it (for example 30s, 500ms, 2m; default: ${DEFAULT-VALUE})")
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

    @Command(name = "init-schema", description = "Create the tables if they do not exist.")
    static final class InitSchema extends Sub {
        @Override
        public Integer call() {
            root.manager(true);
            done(root.etcd != null ? "etcd needs no schema: " + root.storeName() + " is ready"
                    : "schema ready on " + root.storeName());
            return 0;
        }
    }

    @Command(name = "create-secret", description = "Create a secret; its v1 holds SYSCURRENT.")
    static final class CreateSecret extends WithValue {
        @Parameters(index = "0", paramLabel = "SECRET") String secret;

        @Override
        public Integer call() {
            SecretValue value = value();
            printMetadata(manager().createSecret(root.project, secret, value).metadata());
            return 0;
        }
    }

    @Command(name = "put-version", description = "Add a version (SYSCURRENT moves to it unless --stage is given).")
    static final class PutVersion extends WithValue {
        @Parameters(index = "0", paramLabel = "SECRET") String secret;
        @Option(names = "--stage", description = "a stage for the new version (repeatable)") List<String> stages;

        @Override
        public Integer call() {
            SecretValue value = value();
            StageManager m = manager();
            SecretVersion v = stages == null ? m.putVersion(root.project, secret, value)
                    : m.putVersion(root.project, secret, value, new LinkedHashSet<>(stages));
            printMetadata(v.metadata());
            return 0;
        }
    }

    @Command(name = "get-version", description = "Show a version (by id, 'latest', or --stage); the value only with --show-value.")
    static final class GetVersion extends Sub {
        @Parameters(index = "0", paramLabel = "SECRET") String secret;
        @Parameters(index = "1", paramLabel = "VERSION", defaultValue = "latest") String version;
        @Option(names = "--stage", description = "the version holding this stage instead") String stage;
        @Option(names = "--show-value", description = "print the secret value") boolean showValue;

        @Override
        public Integer call() {
            StageManager m = manager();
            SecretVersion v = stage != null ? m.getVersionByStage(root.project, secret, stage)
                    : m.getVersion(root.project, secret, version);
            if (root.json) {
                StringBuilder sb = new StringBuilder("{\"version\":{\"version_metadata\":")
                        .append(Json.versionMetadata(v.metadata()));
                if (showValue) {
                    v.value().string().ifPresent(s -> sb.append(",\"secret_string\":").append(Json.string(s)));
                    v.value().binary().ifPresent(b -> sb.append(",\"secret_binary\":")
                            .append(Json.string(Base64.getEncoder().encodeToString(b))));
                }
                out().println(sb.append("}}"));
            } else {
                versionTable(List.of(v.metadata()));
                if (showValue) {
                    out().println(v.value().string()
                            .orElseGet(() -> "base64:" + Base64.getEncoder().encodeToString(v.value().binary().orElseThrow())));
                }
            }
            return 0;
        }
    }

    @Command(name = "list-versions", description = "List a secret's versions (no values).")
    static final class ListVersions extends Sub {
        @Parameters(index = "0", paramLabel = "SECRET") String secret;

        @Override
        public Integer call() {
            printList("version_metadatas", manager().listVersions(root.project, secret), Json::versionMetadata, "",
                    this::versionTable);
            return 0;
        }
    }

    @Command(name = "get-stage", description = "Show which version holds a stage.")
    static final class GetStage extends Sub {
        @Parameters(index = "0", paramLabel = "SECRET") String secret;
        @Parameters(index = "1", paramLabel = "STAGE") String stage;

        @Override
        public Integer call() {
            printStage(manager().getStage(root.project, secret, stage));
            return 0;
        }
    }

    @Command(name = "update-stage", description = "Attach a stage to a version (guarded with --expect or --expect-none).")
    static final class UpdateStage extends Sub {
        @Parameters(index = "0", paramLabel = "SECRET") String secret;
        @Parameters(index = "1", paramLabel = "STAGE") String stage;
        @Parameters(index = "2", paramLabel = "VERSION") String version;
        @Option(names = "--expect", description = "apply only if this version holds the stage now") String expect;
        @Option(names = "--expect-none", description = "apply only if no version holds the stage now") boolean expectNone;

        @Override
        public Integer call() {
            StageManager m = manager();
            Stage s;
            if (expect != null && expectNone) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--expect and --expect-none exclude each other");
            } else if (expect != null || expectNone) {
                s = m.updateStage(root.project, secret, stage, version, Optional.ofNullable(expect));
            } else {
                s = m.updateStage(root.project, secret, stage, version);
            }
            printStage(s);
            return 0;
        }
    }

    @Command(name = "delete-stage", description = "Detach a custom stage.")
    static final class DeleteStage extends Sub {
        @Parameters(index = "0", paramLabel = "SECRET") String secret;
        @Parameters(index = "1", paramLabel = "STAGE") String stage;

        @Override
        public Integer call() {
            manager().deleteStage(root.project, secret, stage);
            done("deleted stage " + stage);
            return 0;
        }
    }

    @Command(name = "list-stages", description = "List a secret's stages.")
    static final class ListStages extends Sub {
        @Parameters(index = "0", paramLabel = "SECRET") String secret;

        @Override
        public Integer call() {
            printList("stages", manager().listStages(root.project, secret), Json::stage, "", this::stageTable);
            return 0;
        }
    }

    @Command(name = "delete-secret", description = "Delete a secret with all its versions and stages.")
    static final class DeleteSecret extends Sub {
        @Parameters(index = "0", paramLabel = "SECRET") String secret;

        @Override
        public Integer call() {
            manager().deleteSecret(root.project, secret);
            done("deleted secret " + secret);
            return 0;
        }
    }

    static void secretTable(PrintWriter out, List<SecretMetadata> secrets) {
        out.printf("%-24s %-17s %-16s %s%n", "SECRET", "STATE", "CREATED (ms)", "DELETION (ms)");
        for (SecretMetadata m : secrets) {
            out.printf("%-24s %-17s %-16d %s%n", m.name(), m.state(), m.createTime().toEpochMilli(),
                    m.deletionTime().map(t -> Long.toString(t.toEpochMilli())).orElse("-"));
        }
    }

    /** Prints one secret's metadata. */
    abstract static class SecretSub extends Sub {
        void printSecret(SecretMetadata m) {
            if (root.json) {
                out().println("{\"secret\":" + Json.secret(m) + "}");
            } else {
                secretTable(out(), List.of(m));
            }
        }
    }

    @Command(name = "describe-secret", description = "Show a secret's state, create time and deletion time.")
    static final class DescribeSecret extends SecretSub {
        @Parameters(index = "0", paramLabel = "SECRET") String secret;

        @Override
        public Integer call() {
            printSecret(manager().getSecret(root.project, secret));
            return 0;
        }
    }

    @Command(name = "list-secrets", description = "List the project's secrets by name, one page at a time.")
    static final class ListSecrets extends Sub {
        @Option(names = "--marker", description = "start after this secret name (the next_marker of a page)")
        String marker;
        @Option(names = "--limit", defaultValue = "50", description = "1-1000 secrets per page (default: ${DEFAULT-VALUE})")
        int limit;

        @Override
        public Integer call() {
            SecretPage page = manager().listSecrets(root.project, marker, limit);
            printList("secrets", page.secrets(), Json::secret, ",\"page_info\":{\"next_marker\":"
                    + page.nextMarker().map(Json::string).orElse("null") + ",\"current_count\":"
                    + page.secrets().size() + "}", secrets -> {
                        secretTable(out(), secrets);
                        page.nextMarker().ifPresent(m -> out().println("more: --marker " + m));
                    });
            return 0;
        }
    }

    @Command(name = "schedule-deletion", description = "Schedule a secret's deletion after a 7-30 day recovery window.")
    static final class ScheduleDeletion extends SecretSub {
        @Parameters(index = "0", paramLabel = "SECRET") String secret;
        @Option(names = "--recovery-days", defaultValue = "30", description = "7-30 days (default: ${DEFAULT-VALUE})")
        int days;

        @Override
        public Integer call() {
            printSecret(manager().scheduleDeletion(root.project, secret, days));
            return 0;
        }
    }

    @Command(name = "restore-secret", description = "Cancel a secret's scheduled deletion.")
    static final class RestoreSecret extends SecretSub {
        @Parameters(index = "0", paramLabel = "SECRET") String secret;

        @Override
        public Integer call() {
            printSecret(manager().restoreSecret(root.project, secret));
            return 0;
        }
    }

    @Command(name = "purge-expired", description = "Remove every secret (all projects) whose deletion time has passed.")
    static final class PurgeExpired extends Sub {
        @Override
        public Integer call() {
            int n = manager().purgeExpired();
            out().println(root.json ? "{\"purged\":" + n + "}" : "purged " + n + " secret(s)");
            return 0;
        }
    }
}
