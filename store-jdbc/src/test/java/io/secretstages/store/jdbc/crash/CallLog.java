package io.secretstages.store.jdbc.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The acknowledged-call log of one crash round, on disk. The workload writes {@code I n call} before it sends call
 * {@code n}, and {@code A n outcome} only after the call returned, each with one unbuffered {@code write} (in the
 * kernel's page cache at once, so a SIGKILL of the writer never loses it), before the next call. {@code F n} marks a
 * call that failed with STORE_FAILURE: its outcome is unknown, and the workload stops there.
 */
final class CallLog implements AutoCloseable {
    private final FileChannel out;

    CallLog(Path file) throws IOException {
        out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    void intent(long n, Call call) {
        write("I\t" + n + "\t" + call.line());
    }

    void acknowledged(long n, String outcome) {
        write("A\t" + n + "\t" + outcome);
    }

    void failed(long n) {
        write("F\t" + n);
    }

    private void write(String record) {
        ByteBuffer b = ByteBuffer.wrap((record + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            while (b.hasRemaining()) {
                out.write(b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    /** A call read back: its outcome is null if it was not acknowledged. */
    record Entry(long n, Call call, String outcome) {
    }

    /**
     * @return the calls of the log in order; a torn last line (the writer killed mid-write) is ignored, so a call
     *         whose acknowledgement is torn counts as in flight
     */
    static List<Entry> read(Path file) throws IOException {
        Map<Long, Call> calls = new LinkedHashMap<>();
        Map<Long, String> outcomes = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return List.of();
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n');
        if (end < 0) {
            return List.of();
        }
        for (String line : text.substring(0, end).split("\n")) {
            String[] f = line.split("\t", 3);
            long n = Long.parseLong(f[1]);
            switch (f[0]) {
                case "I" -> calls.put(n, Call.parse(f[2]));
                case "A" -> outcomes.put(n, f[2]);
                case "F" -> { }
                default -> throw new IllegalStateException("bad log line " + line);
            }
        }
        List<Entry> out = new ArrayList<>();
        calls.forEach((n, c) -> out.add(new Entry(n, c, outcomes.get(n))));
        return out;
    }
}
