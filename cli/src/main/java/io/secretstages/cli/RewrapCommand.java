package io.secretstages.cli;

import io.secretstages.encryption.EncryptingRepository;
import io.secretstages.encryption.RewrapReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;


/**
 * {@code stagectl rewrap}: re-wraps every stored data key of a project under the keyset's current primary key (E4
 * in docs/rules.md), printing progress after each secret; after a failure, {@code --after} resumes where it stopped.
 * The keyset is the global {@code --keyset FILE}. Registered in {@link Stagectl}'s subcommand list.
 */
@Command(name = "rewrap", description = "Re-wrap every data key of the project under the keyset's primary key"
        + " (after a key rotation), online; resumable with --after.")
final class RewrapCommand extends Stagectl.Sub {
    @Option(names = "--after", paramLabel = "NAME", description = "resume after this secret name")
    String after;

    @Override
    public Integer call() {
        KeysetOption keys = root.keysetOption();
        if (!keys.given()) {
            throw CliFailure.usage("rewrap needs the key-encryption keyset with the new primary: --keyset FILE");
        }
        EncryptingRepository repository = keys.encrypting(root.repository(false));
        RewrapReport[] last = {null};
        try {
            RewrapReport done = repository.rewrap(root.project, after, progress -> {
                last[0] = progress;
                if (!root.json) {
                    out().printf("%s: %d secret(s), %d re-wrapped, %d already current%n", progress.lastSecretName(),
                            progress.secrets(), progress.rewrapped(), progress.alreadyCurrent());
                }
            });
            out().println(root.json
                    ? "{\"secrets\":" + done.secrets() + ",\"rewrapped\":" + done.rewrapped() + ",\"already_current\":"
                            + done.alreadyCurrent() + "}"
                    : "done: " + done.secrets() + " secret(s), " + done.rewrapped() + " re-wrapped, "
                            + done.alreadyCurrent() + " already current");
            return 0;
        } catch (RuntimeException e) {
            if (last[0] != null) {
                spec.commandLine().getErr().println("stopped; resume with --after " + last[0].lastSecretName());
            }
            throw e;
        }
    }
}
