package io.secretstages.store.jdbc;

import io.secretstages.StageException;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The search of a no-leak test: it keeps every text a run produced (the {@code toString} of results, exceptions
 * with their cause chain and stack trace, the log lines {@link CapturingLogProvider} captured) and asserts that
 * none contains a secret in any of the forms it could take. Test code, shared with other modules' tests
 * (encryption) through this module's test-jar.
 */
public final class LeakSearch {
    private final List<String> texts = new ArrayList<>();

    /**
     * @param bytes a secret's bytes
     * @return the text forms the bytes could leak in: hex (both cases), Base64 and {@link Arrays#toString(byte[])}
     */
    public static List<String> encodings(byte[] bytes) {
        return List.of(HexFormat.of().formatHex(bytes), HexFormat.of().withUpperCase().formatHex(bytes),
                Base64.getEncoder().encodeToString(bytes), Arrays.toString(bytes));
    }

    /** @param o a result, an object under test: its {@code toString} is kept */
    public void keep(Object o) {
        texts.add(String.valueOf(o));
    }

    /** @param t a failure: its stack trace (with the cause chain) and its {@code toString} are kept */
    public void keep(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        texts.add(w.toString());
        texts.add(t.toString());
    }

    /** @param call a call that may be refused or fail: its result, or its {@link StageException}, is kept */
    public void call(Supplier<?> call) {
        attempt(() -> keep(call.get()));
    }

    /** @param call a call that may be refused or fail: its {@link StageException}, if any, is kept */
    public void attempt(Runnable call) {
        try {
            call.run();
        } catch (StageException e) {
            keep(e);
        }
    }

    /** Keeps every log line captured so far. */
    public void keepLogLines() {
        texts.addAll(CapturingLogProvider.lines());
    }

    /** @return the texts kept so far */
    public List<String> texts() {
        return List.copyOf(texts);
    }

    /**
     * @param secrets the texts that must not appear (values and keys in each of their forms)
     * @param what    what a leak is called in the failure message
     */
    public void assertNoneContains(Collection<String> secrets, String what) {
        for (String t : texts) {
            for (String s : secrets) {
                assertFalse(t.contains(s), () -> what + " leaked: " + t);
            }
        }
    }
}
