package io.secretstages.demo;

import io.secretstages.SecretValue;
import io.secretstages.Stage;
import io.secretstages.StageException;
import io.secretstages.StageManager;
import io.secretstages.Stages;
import io.secretstages.VersionMetadata;
import io.secretstages.spi.StageRepository;
import io.secretstages.store.memory.InMemoryStageRepository;

import java.util.Optional;
import java.util.Set;

/**
 * Walks a real rotation: create, rotate twice, roll back, a guarded update that loses a race, delete a custom
 * stage, a refused delete of SYSCURRENT; prints the stage table after each step.
 */
public final class RotationDemo {
    private static final String PROJECT = "demo-project";
    private static final String SECRET = "db-password";

    private final StageManager manager;

    RotationDemo(StageRepository repository) {
        this.manager = StageManager.builder().repository(repository).build();
    }

    public static void main(String[] args) {
        new RotationDemo(new InMemoryStageRepository()).run();
    }

    void run() {
        step("1. create the secret: v1 holds SYSCURRENT",
                () -> manager.createSecret(PROJECT, SECRET, SecretValue.ofString("pw-1")));
        step("2. rotate: v2 becomes SYSCURRENT, v1 SYSPREVIOUS",
                () -> manager.putVersion(PROJECT, SECRET, SecretValue.ofString("pw-2")));
        step("3. stage v3 as 'pending' and test it before it goes live",
                () -> manager.putVersion(PROJECT, SECRET, SecretValue.ofString("pw-3"), Set.of("pending")));
        step("4. promote v3 with a guarded update (expects v2 to be current)",
                () -> manager.updateStage(PROJECT, SECRET, Stages.SYSCURRENT, "v3", Optional.of("v2")));
        step("5. roll back: SYSCURRENT back to v2 (SYSPREVIOUS follows to v3)",
                () -> manager.updateStage(PROJECT, SECRET, Stages.SYSCURRENT, "v2"));
        step("6. a second rotator, who also read v3 as current, loses the race",
                () -> manager.updateStage(PROJECT, SECRET, Stages.SYSCURRENT, "v1", Optional.of("v3")));
        step("7. delete the custom stage 'pending'",
                () -> manager.deleteStage(PROJECT, SECRET, "pending"));
        step("8. try to delete SYSCURRENT (refused: built-in)",
                () -> manager.deleteStage(PROJECT, SECRET, Stages.SYSCURRENT));
        System.out.println();
        System.out.println("latest = " + manager.getVersion(PROJECT, SECRET, "latest").id()
                + " (its value stays out of logs and toString: " + manager.getVersion(PROJECT, SECRET, "latest") + ")");
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
