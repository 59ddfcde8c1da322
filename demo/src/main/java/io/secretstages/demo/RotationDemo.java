package io.secretstages.demo;

import io.secretstages.SecretValue;
import io.secretstages.SecretVersion;
import io.secretstages.Stage;
import io.secretstages.StageException;
import io.secretstages.StageManager;
import io.secretstages.Stages;
import io.secretstages.VersionMetadata;
import com.google.crypto.tink.KeysetHandle;
import io.secretstages.encryption.EncryptingRepository;
import io.secretstages.encryption.KeyEncryptionKeys;
import io.secretstages.encryption.KeysetFiles;
import io.secretstages.spi.StageRepository;
import io.etcd.jetcd.Client;
import io.secretstages.store.etcd.EtcdStageRepository;
import io.secretstages.store.jdbc.DriverManagerDataSource;
import io.secretstages.store.jdbc.JdbcStageRepository;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Walks a real rotation on the embedded default store, an SQLite file (WAL, synchronous=FULL: the store that kept
 * every acknowledged write across 500 SIGKILLs with no corruption, see the README): create (or find, on later runs), rotate
 * twice, promote with a guarded update, roll back, a guarded update that loses a race, delete a custom stage, a
 * refused delete of SYSCURRENT; prints the stage table after each step. Run it twice: the versions continue.
 *
 * <p>Arguments (see {@link #main}): {@code --keyset FILE} to encrypt the values at rest, {@code --etcd URLS} for an etcd
 * cluster; else none for the SQLite file {@code stages.db} in {@code secretstages.demo.dir} (default
 * {@code ./data/demo}), or a JDBC URL with user and password, such as {@code jdbc:postgresql://localhost/app app
 * secret} or {@code jdbc:h2:file:./data/demo/stages sa ""}. Embedded URLs are opened durably
 * ({@code DurableJdbcUrl}, through {@link DriverManagerDataSource}).
 */
public final class RotationDemo {
    private static final String PROJECT = "demo-project";
    private static final String SECRET = "db-password";

    private final StageManager manager;

    RotationDemo(StageRepository repository) {
        this.manager = StageManager.builder().repository(repository).build();
    }

    /**
     * Runs the walk-through.
     *
     * @param args {@code [--keyset FILE] [--etcd URLS [--etcd-prefix PREFIX]] [JDBC-URL [USER [PASSWORD]]]}: with
     *             {@code --keyset} the values are encrypted at rest with that cleartext Tink keyset file (written,
     *             mode 600, if it does not exist), in the SQLite file {@code stages-encrypted.db} unless a JDBC URL
     *             is given; with {@code --etcd} the store is that etcd cluster (its members' client URLs,
     *             comma-separated), under the key prefix {@code demo/} unless {@code --etcd-prefix} says otherwise
     * @throws Exception if the keyset cannot be read or written
     */
    public static void main(String[] args) throws Exception {
        List<String> rest = new ArrayList<>(List.of(args));
        String keysetOption = option(rest, "--keyset");
        Path keysetFile = keysetOption == null ? null : Path.of(keysetOption);
        String etcd = option(rest, "--etcd");
        String etcdPrefix = option(rest, "--etcd-prefix");
        StageRepository repository;
        Client client = null;
        if (etcd != null) {
            client = Client.builder().endpoints(etcd.split(",")).build();
            repository = EtcdStageRepository.builder(client).keyPrefix(etcdPrefix == null ? "demo/" : etcdPrefix)
                    .build();
            System.out.println("store: etcd " + etcd + " (prefix " + (etcdPrefix == null ? "demo/" : etcdPrefix)
                    + ")");
        } else {
            repository = jdbc(rest, keysetFile != null);
        }
        if (keysetFile != null) {
            repository = EncryptingRepository.wrap(repository, keyset(keysetFile));
        }
        try {
            new RotationDemo(repository).run();
        } finally {
            if (client != null) {
                client.close();
            }
        }
    }

    /** Removes {@code name VALUE} from the arguments; returns the value, or null. */
    private static String option(List<String> args, String name) {
        int i = args.indexOf(name);
        if (i < 0) {
            return null;
        }
        if (i + 1 >= args.size()) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        String value = args.get(i + 1);
        args.subList(i, i + 2).clear();
        return value;
    }

    private static StageRepository jdbc(List<String> rest, boolean encrypted) {
        javax.sql.DataSource dataSource;
        if (!rest.isEmpty()) {
            dataSource = new DriverManagerDataSource(rest.get(0), rest.size() > 1 ? rest.get(1) : null,
                    rest.size() > 2 ? rest.get(2) : null);
            System.out.println("database: " + rest.get(0));
        } else {
            Path dir = Path.of(System.getProperty("secretstages.demo.dir", "data/demo")).toAbsolutePath();
            try {
                java.nio.file.Files.createDirectories(dir);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot create " + dir, e);
            }
            // an encrypted store of its own: the plain demo's file holds values in the clear
            Path file = dir.resolve(encrypted ? "stages-encrypted.db" : "stages.db");
            dataSource = new DriverManagerDataSource("jdbc:sqlite:" + file, null, null);
            System.out.println("database: SQLite file " + file + " (delete it to start over)");
        }
        return JdbcStageRepository.builder(dataSource).initializeSchema(true).build();
    }

    /** @return the keyset in the file, written there first (a new AES-256-GCM key) if there is none */
    private static KeysetHandle keyset(Path file) throws Exception {
        if (!java.nio.file.Files.exists(file)) {
            KeysetFiles.writeCleartext(KeyEncryptionKeys.generate(), file);
            System.out.println("keyset: wrote a new cleartext keyset to " + file.toAbsolutePath()
                    + " (keep it off the database's disk and backups)");
        }
        KeysetHandle keyset = KeysetFiles.readCleartext(file);
        System.out.println("encrypted at rest: values sealed under key-encryption key id "
                + Integer.toUnsignedString(keyset.getPrimary().getId()) + " of " + file.toAbsolutePath());
        return keyset;
    }

    void run() {
        String[] current = new String[1];
        step("1. create the secret (its v1 holds SYSCURRENT)", () -> {
            try {
                manager.createSecret(PROJECT, SECRET, SecretValue.ofString("pw-1"));
            } catch (StageException e) {
                if (e.code() != io.secretstages.ErrorCode.SECRET_ALREADY_EXISTS) {
                    throw e;
                }
                System.out.println("   (it exists from an earlier run: carrying on from there)");
            }
        });
        step("2. rotate: a new version becomes SYSCURRENT, the old one SYSPREVIOUS", () -> {
            current[0] = manager.putVersion(PROJECT, SECRET, SecretValue.ofString("pw-rotated")).id();
        });
        String[] pending = new String[1];
        step("3. stage a version as 'pending' to test it before it goes live", () -> {
            SecretVersion v = manager.putVersion(PROJECT, SECRET, SecretValue.ofString("pw-next"), Set.of("pending"));
            pending[0] = v.id();
        });
        step("4. promote " + pending[0] + " with a guarded update (expects " + current[0] + " to be current)",
                () -> manager.updateStage(PROJECT, SECRET, Stages.SYSCURRENT, pending[0], Optional.of(current[0])));
        step("5. roll back: SYSCURRENT back to " + current[0] + " (SYSPREVIOUS follows)",
                () -> manager.updateStage(PROJECT, SECRET, Stages.SYSCURRENT, current[0]));
        step("6. a second rotator, who read " + pending[0] + " as current, loses the race",
                () -> manager.updateStage(PROJECT, SECRET, Stages.SYSCURRENT, pending[0], Optional.of(pending[0])));
        step("7. delete the custom stage 'pending'",
                () -> manager.deleteStage(PROJECT, SECRET, "pending"));
        step("8. try to delete SYSCURRENT (refused: built-in)",
                () -> manager.deleteStage(PROJECT, SECRET, Stages.SYSCURRENT));
        System.out.println();
        System.out.println("latest = " + manager.getVersion(PROJECT, SECRET, "latest").id()
                + "; values stay out of logs and toString: " + manager.getVersion(PROJECT, SECRET, "latest").value());
    }

    private void step(String title, Runnable action) {
        System.out.println();
        System.out.println("== " + title);
        try {
            action.run();
        } catch (StageException e) {
            System.out.println("   refused: " + e.code() + " (HTTP " + e.code().httpStatus() + ", "
                    + e.code().errorCode() + "): " + e.getMessage());
        }
        printTable();
    }

    private void printTable() {
        System.out.printf("   %-12s %-8s %s%n", "STAGE", "VERSION", "UPDATED (epoch ms)");
        for (Stage s : manager.listStages(PROJECT, SECRET)) {
            System.out.printf("   %-12s %-8s %d%n", s.name(), s.versionId(), s.updateTime().toEpochMilli());
        }
        StringBuilder versions = new StringBuilder("   versions:");
        for (VersionMetadata v : manager.listVersions(PROJECT, SECRET)) {
            versions.append(' ').append(v.id()).append(v.stages().isEmpty() ? "(deprecated)" : "");
        }
        System.out.println(versions);
    }
}
