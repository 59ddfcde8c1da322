package io.secretstages.cli;

import io.secretstages.SecretValue;
import io.secretstages.SecretVersion;
import io.secretstages.StageManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;

/** The version commands: {@code create-secret}, {@code put-version}, {@code get-version}, {@code list-versions}. */
final class VersionCommands {
    private VersionCommands() {
    }

    @Command(name = "create-secret", description = "Create a secret; its v1 holds SYSCURRENT.")
    static final class CreateSecret extends Stagectl.WithValue {
        @Parameters(index = "0", paramLabel = "SECRET") String secret;

        @Override
        public Integer call() {
            SecretValue value = value();
            printMetadata(manager().createSecret(root.project, secret, value).metadata());
            return 0;
        }
    }

    @Command(name = "put-version", description = "Add a version (SYSCURRENT moves to it unless --stage is given).")
    static final class PutVersion extends Stagectl.WithValue {
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
    static final class GetVersion extends Stagectl.Sub {
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
    static final class ListVersions extends Stagectl.Sub {
        @Parameters(index = "0", paramLabel = "SECRET") String secret;

        @Override
        public Integer call() {
            printList("version_metadatas", manager().listVersions(root.project, secret), Json::versionMetadata, "",
                    this::versionTable);
            return 0;
        }
    }
}
