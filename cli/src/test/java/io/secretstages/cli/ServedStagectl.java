package io.secretstages.cli;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code stagectl serve} run as the README runs it (the shaded jar as a process), for the ITs that point the README's
 * SDK client at it: start, read the printed endpoint, run {@link RotateWithTheSdk}, stop with SIGTERM.
 */
final class ServedStagectl implements AutoCloseable {
    private final Process process;
    private final String endpoint;

    private ServedStagectl(Process process, String endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    /**
     * Starts {@code stagectl serve} and waits (at most 60 s) for its endpoint line.
     *
     * @param serving the start-up line expected, with the endpoint as group 1
     * @param args the options after {@code serve}
     * @return the running server
     */
    static ServedStagectl start(Pattern serving, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-jar", System.getProperty("stagectl.jar", "target/stagectl.jar"), "serve"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            return new ServedStagectl(process, endpoint(process, serving));
        } catch (Exception | AssertionError e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /** @return the endpoint it printed */
    String endpoint() {
        return endpoint;
    }

    /** @return what the README's client program ({@link RotateWithTheSdk}) prints against this server */
    String runTheReadmeClient() throws Exception {
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            RotateWithTheSdk.main(new String[] {endpoint});
        } finally {
            System.setOut(stdout);
        }
        return printed.toString(StandardCharsets.UTF_8).strip();
    }

    /** Stops it with SIGTERM (its shutdown hook closes the server) and waits at most 30 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "stagectl serve did not stop within 30 s");
    }

    private static String endpoint(Process server, Pattern serving) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String line = out.readLine();
            if (line == null) {
                break;
            }
            seen.append(line).append('\n');
            Matcher m = serving.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> out.lines().forEach(l -> { }));
                drain.setDaemon(true);
                drain.start();
                return m.group(1);
            }
        }
        throw new AssertionError("no endpoint printed:\n" + seen);
    }
}
