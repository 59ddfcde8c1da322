package io.secretstages.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the shaded stagectl jar as a real process: its own working directory and environment, standard input given
 * or closed, output captured in files outside the working directory (so a test can assert that directory stays
 * empty).
 */
final class StagectlProcess {
    /** What one run printed and how it ended. */
    record Result(int exit, String out, String err, Duration elapsed) {
        String all() {
            return out + err;
        }
    }

    private static final AtomicInteger RUNS = new AtomicInteger();

    private final Path logs;
    private Path workingDirectory;
    private Map<String, String> environment = Map.of();

    /** @param logs a directory for the captured output */
    StagectlProcess(Path logs) {
        this.logs = logs;
    }

    /** @return this, running later commands in that directory (default: the test JVM's) */
    StagectlProcess in(Path directory) {
        this.workingDirectory = directory;
        return this;
    }

    /** @return this, adding these variables to later commands' environment */
    StagectlProcess withEnvironment(Map<String, String> variables) {
        this.environment = Map.copyOf(variables);
        return this;
    }

    Result run(String... args) throws IOException, InterruptedException {
        return runWithInput(null, args);
    }

    /** Runs with {@code stdin} on standard input (null: closed at once). */
    Result runWithInput(String stdin, String... args) throws IOException, InterruptedException {
        String jar = Path.of(System.getProperty("stagectl.jar", "target/stagectl.jar")).toAbsolutePath().toString();
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-jar", jar));
        cmd.addAll(List.of(args));
        int n = RUNS.incrementAndGet();
        Path out = logs.resolve("out-" + n);
        Path err = logs.resolve("err-" + n);
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().remove(PasswordSource.ENVIRONMENT_VARIABLE);
        builder.environment().putAll(environment);
        if (workingDirectory != null) {
            builder.directory(workingDirectory.toFile());
        }
        long start = System.nanoTime();
        Process p = builder.start();
        try (var in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        boolean finished = p.waitFor(2, TimeUnit.MINUTES);
        if (!finished) {
            p.destroyForcibly();
        }
        assertTrue(finished, "stagectl finished: " + String.join(" ", args));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err), elapsed);
    }
}
