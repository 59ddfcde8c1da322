package io.secretstages.cli;

import io.secretstages.SecretMetadata;
import io.secretstages.SecretPage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.List;

/**
 * The secret commands: {@code delete-secret}, {@code describe-secret}, {@code list-secrets},
 * {@code schedule-deletion}, {@code restore-secret}, and the store-wide {@code init-schema} and {@code purge-expired}.
 */
final class SecretCommands {
    private SecretCommands() {
    }

    @Command(name = "init-schema", description = "Create the tables if they do not exist.")
    static final class InitSchema extends Stagectl.Sub {
        @Override
        public Integer call() {
            root.manager(true);
            done(root.etcd != null ? "etcd needs no schema: " + root.storeName() + " is ready"
                    : "schema ready on " + root.storeName());
            return 0;
        }
    }

    @Command(name = "delete-secret", description = "Delete a secret with all its versions and stages.")
    static final class DeleteSecret extends Stagectl.Sub {
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
    abstract static class SecretSub extends Stagectl.Sub {
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
    static final class ListSecrets extends Stagectl.Sub {
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
    static final class PurgeExpired extends Stagectl.Sub {
        @Override
        public Integer call() {
            int n = manager().purgeExpired();
            out().println(root.json ? "{\"purged\":" + n + "}" : "purged " + n + " secret(s)");
            return 0;
        }
    }
}
