package io.secretstages.cli;

import io.secretstages.Stage;
import io.secretstages.StageManager;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Optional;

/** The stage commands: {@code get-stage}, {@code update-stage}, {@code delete-stage}, {@code list-stages}. */
final class StageCommands {
    private StageCommands() {
    }

    @Command(name = "get-stage", description = "Show which version holds a stage.")
    static final class GetStage extends Stagectl.Sub {
        @Parameters(index = "0", paramLabel = "SECRET") String secret;
        @Parameters(index = "1", paramLabel = "STAGE") String stage;

        @Override
        public Integer call() {
            printStage(manager().getStage(root.project, secret, stage));
            return 0;
        }
    }

    @Command(name = "update-stage", description = "Attach a stage to a version (guarded with --expect or --expect-none).")
    static final class UpdateStage extends Stagectl.Sub {
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
    static final class DeleteStage extends Stagectl.Sub {
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
    static final class ListStages extends Stagectl.Sub {
        @Parameters(index = "0", paramLabel = "SECRET") String secret;

        @Override
        public Integer call() {
            printList("stages", manager().listStages(root.project, secret), Json::stage, "", this::stageTable);
            return 0;
        }
    }
}
