package io.secretstages.store.jdbc.crash;

import java.util.Arrays;
import java.util.List;

/**
 * One call the crash workload makes through {@code StageManager}, as it is written in the call log: an operation,
 * the secret, and its arguments ({@code create s value}, {@code put s value stages token|-},
 * {@code move s stage version expected|-|*}, {@code unstage s stage}, {@code schedule s}, {@code restore s}).
 */
record Call(String op, String secret, List<String> args) {
    static Call of(String op, String secret, String... args) {
        return new Call(op, secret, List.of(args));
    }

    String arg(int i) {
        return args.get(i);
    }

    /** @return the call as one tab-separated field list (no field holds a tab or a newline) */
    String line() {
        return op + "\t" + secret + (args.isEmpty() ? "" : "\t" + String.join("\t", args));
    }

    static Call parse(String line) {
        String[] f = line.split("\t");
        return new Call(f[0], f[1], List.of(Arrays.copyOfRange(f, 2, f.length)));
    }
}
