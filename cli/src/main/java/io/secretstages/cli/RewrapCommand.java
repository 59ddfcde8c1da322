package io.secretstages.cli;

import io.secretstages.encryption.EncryptingRepository;
import io.secretstages.encryption.RewrapReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;


/**
 * {@code stagectl rewrap}: re-wraps every stored data key of a project (or, with {@code --all-projects}, of every
 * project) under the keyset's current primary key (E4 in docs/rules.md), printing progress after each secret; after
 * a failure, {@code --after} (with {@code --all-projects}: {@code --from-project} and {@code --after}) resumes where
 * it stopped. The keyset is the global {@code --keyset FILE}. Registered in {@link Stagectl}'s subcommand list.
 */
@Command(name = "rewrap", description = "Re-wrap every data key of the project (--all-projects: of every project)"
        + " under the keyset's primary key (after a key rotation), online; resumable with --after"
        + " (--all-projects: --from-project P --after NAME).")
final class RewrapCommand extends Stagectl.Sub {
    private static final Pattern PROJECT_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    @Option(names = "--after", paramLabel = "NAME", description = "resume after this secret name (of the project;"
            + " with --all-projects, of the --from-project one)")
    String after;

    @Option(names = "--all-projects", description = "re-wrap every project, in id order, instead of the one of"
            + " --project (the two exclude each other)")
    boolean allProjects;

    @Option(names = "--from-project", paramLabel = "PROJECT", description = "with --all-projects: resume at this"
            + " project (after its secret --after, or from its first secret) and go on with the projects after it")
    String fromProject;

    @Override
    public Integer call() {
        checkModes();
        KeysetOption keys = root.keysetOption();
        if (!keys.given()) {
            throw CliFailure.usage("rewrap needs the key-encryption keyset with the new primary: --keyset FILE");
        }
        EncryptingRepository repository = keys.encrypting(root.repository(false));
        RewrapReport[] last = {null};
        Set<String> projects = new HashSet<>();
        try {
            RewrapReport done;
            if (allProjects) {
                done = repository.rewrapAll(fromProject, after, progress -> {
                    last[0] = progress;
                    projects.add(progress.projectId());
                    printProgress(progress.projectId() + "/" + progress.lastSecretName(), progress);
                });
            } else {
                done = repository.rewrap(root.project, after, progress -> {
                    last[0] = progress;
                    printProgress(progress.lastSecretName(), progress);
                });
            }
            if (root.json) {
                out().println("{\"secrets\":" + done.secrets() + ",\"rewrapped\":" + done.rewrapped()
                        + ",\"already_current\":" + done.alreadyCurrent()
                        + (allProjects ? ",\"projects\":" + projects.size() : "") + "}");
            } else {
                out().println("done: " + done.secrets() + " secret(s)"
                        + (allProjects ? " in " + projects.size() + " project(s)" : "") + ", " + done.rewrapped()
                        + " re-wrapped, " + done.alreadyCurrent() + " already current");
            }
            return 0;
        } catch (RuntimeException e) {
            if (last[0] != null) {
                spec.commandLine().getErr().println(allProjects
                        ? "stopped; resume with --all-projects --from-project " + last[0].projectId() + " --after "
                                + last[0].lastSecretName()
                        : "stopped; resume with --after " + last[0].lastSecretName());
            }
            throw e;
        }
    }

    private void printProgress(String position, RewrapReport progress) {
        if (!root.json) {
            out().printf("%s: %d secret(s), %d re-wrapped, %d already current%n", position, progress.secrets(),
                    progress.rewrapped(), progress.alreadyCurrent());
        }
    }

    /** Refuses a mix of the one-project mode and the every-project mode before anything is opened. */
    private void checkModes() {
        if (!allProjects) {
            if (fromProject != null) {
                throw CliFailure.usage("--from-project resumes a re-wrap of every project: add --all-projects");
            }
            return;
        }
        if (projectGiven()) {
            throw CliFailure.usage("--all-projects re-wraps every project: drop --project (to resume, use"
                    + " --from-project PROJECT --after NAME)");
        }
        if (after != null && fromProject == null) {
            throw CliFailure.usage("with --all-projects, --after needs the project it is in: --from-project PROJECT");
        }
        if (fromProject != null && !PROJECT_ID.matcher(fromProject).matches()) {
            throw CliFailure.usage("--from-project: not a project id (1-64 characters of [A-Za-z0-9_-])");
        }
    }

    /** @return whether {@code -p/--project} was written, before or after the subcommand's name */
    private boolean projectGiven() {
        CommandLine.ParseResult own = spec.commandLine().getParseResult();
        CommandLine parent = spec.commandLine().getParent();
        return own != null && own.hasMatchedOption("--project")
                || parent != null && parent.getParseResult() != null
                        && parent.getParseResult().hasMatchedOption("--project");
    }
}
