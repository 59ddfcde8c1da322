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
import io.secretstages.store.jdbc.DriverManagerDataSource;
import io.secretstages.store.jdbc.JdbcStageRepository;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

import java.util.concurrent.Callable;

/**
 * {@code stagectl}: secret versions and stages from the command line, over any JDBC URL. Exit codes: 0 success,
 * 2 usage error, 4 refused (an HTTP 4xx error code), 5 store failure (5xx). Values are never printed unless
 * {@code get-version --show-value} asks for them.
 */
@Command(name = "stagectl", mixinStandardHelpOptions = true, version = "stagectl 0.1.0",
        description = "Secret versions and their stages (SYSCURRENT, SYSPREVIOUS, custom) over a JDBC database.",
        subcommands = {Stagectl.InitSchema.class, Stagectl.CreateSecret.class, Stagectl.PutVersion.class,
                Stagectl.GetVersion.class, Stagectl.ListVersions.class, Stagectl.GetStage.class,
                Stagectl.UpdateStage.class, Stagectl.DeleteStage.class, Stagectl.ListStages.class,
                Stagectl.DeleteSecret.class, Stagectl.DescribeSecret.class, Stagectl.ListSecrets.class,
                Stagectl.ScheduleDeletion.class, Stagectl.RestoreSecret.class, Stagectl.PurgeExpired.class, Serve.class})
public final class Stagectl {
    static final int REFUSED = 4;
    static final int STORE_FAILED = 5;

    @Option(names = "--jdbc-url", scope = CommandLine.ScopeType.INHERIT, defaultValue = "jdbc:h2:file:./data/demo/stages",
            description = "JDBC URL (default: ${DEFAULT-VALUE}, the demo's H2 file)")
    String jdbcUrl;
    @Option(names = "--user", scope = CommandLine.ScopeType.INHERIT, description = "database user")
    String user;
    @Option(names = "--password", scope = CommandLine.ScopeType.INHERIT, description = "database password")
    String password;
    @Option(names = {"-p", "--project"}, scope = CommandLine.ScopeType.INHERIT, defaultValue = "demo-project",
            description = "project id (default: ${DEFAULT-VALUE})")
    String project;
    @Option(names = "--json", scope = CommandLine.ScopeType.INHERIT,
            description = "print the provider's JSON response shapes")
    boolean json;

    /**
     * Runs stagectl and exits with its exit code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
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
            if (e instanceof StageException se) {
                ErrorCode code = se.code();
                if (asJson) {
                    err.println("{\"error_code\":" + Json.string(code.errorCode()) + ",\"error_msg\":"
                            + Json.string(code + ": " + se.getMessage()) + "}");
                } else {
                    err.println("error " + code.errorCode() + " (" + code + ", HTTP " + code.httpStatus() + "): "
                            + se.getMessage());
                }
                return code.httpStatus() >= 500 ? STORE_FAILED : REFUSED;
            }
            err.println((asJson ? "{\"error_code\":\"CSMS.0001\",\"error_msg\":" + Json.string(String.valueOf(e.getMessage())) + "}"
                    : "error: " + e));
            return STORE_FAILED;
        });
        return cl.execute(args);
    }

    DataSource dataSource() {
        return new DriverManagerDataSource(jdbcUrl, user, password);
    }

    StageManager manager(boolean initializeSchema) {
        return StageManager.builder()
                .repository(JdbcStageRepository.builder(dataSource()).initializeSchema(initializeSchema).build())
                .build();
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
            return root.manager(true);
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

    /** Where a value comes from: exactly one of an argument, a file, or standard input. */
    static final class ValueSource {
        @Option(names = "--value", description = "the value, as text") String text;
        @Option(names = "--value-file", description = "read the value from a file") Path file;
        @Option(names = "--value-stdin", description = "read the value from standard input") boolean stdin;
    }

    abstract static class WithValue extends Sub {
        @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
        ValueSource source;
        @Option(names = "--binary", description = "store the bytes as a binary value (default: UTF-8 text)")
        boolean binary;

        SecretValue value() throws IOException {
            byte[] bytes;
            if (source.text != null) {
                bytes = source.text.getBytes(StandardCharsets.UTF_8);
            } else if (source.file != null) {
                bytes = Files.readAllBytes(source.file);
            } else {
                bytes = System.in.readAllBytes();
            }
            return binary ? SecretValue.ofBinary(bytes) : SecretValue.ofString(new String(bytes, StandardCharsets.UTF_8));
        }
    }

    @Command(name = "init-schema", description = "Create the tables if they do not exist.")
    static final class InitSchema extends Sub {
        @Override
        public Integer call() {
            root.manager(true);
            done("schema ready on " + root.jdbcUrl);
            return 0;
        }
    }

    @Command(name = "create-secret", description = "Create a secret; its v1 holds SYSCURRENT.")
    static final class CreateSecret extends WithValue {
        @Parameters(index = "0", paramLabel = "SECRET") String secret;

        @Override
        public Integer call() throws IOException {
            printMetadata(manager().createSecret(root.project, secret, value()).metadata());
            return 0;
        }
    }

    @Command(name = "put-version", description = "Add a version (SYSCURRENT moves to it unless --stage is given).")
    static final class PutVersion extends WithValue {
        @Parameters(index = "0", paramLabel = "SECRET") String secret;
        @Option(names = "--stage", description = "a stage for the new version (repeatable)") List<String> stages;

        @Override
        public Integer call() throws IOException {
            StageManager m = manager();
            SecretVersion v = stages == null ? m.putVersion(root.project, secret, value())
                    : m.putVersion(root.project, secret, value(), new LinkedHashSet<>(stages));
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
