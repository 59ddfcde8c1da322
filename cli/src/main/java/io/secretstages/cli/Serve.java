package io.secretstages.cli;

import io.secretstages.StageManager;
import io.secretstages.server.CsmsServer;
import io.secretstages.store.memory.InMemoryStageRepository;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code stagectl serve}: a CSMS-compatible HTTP server (the provider's SDK talks to it) over the JDBC database of
 * {@code --jdbc-url} (its schema made by {@code init-schema}), or over memory with {@code --in-memory}. Credentials come from a file, never from the command
 * line; so does the key store's password. Prints the endpoint, then serves until stopped (Ctrl-C or SIGTERM: the
 * requests in flight finish first).
 *
 * <p>Credentials file, one credential a line ({@code #} starts a comment):
 * <pre>
 * ak   ACCESS_KEY SECRET_KEY project-a,project-b
 * token TOKEN project-a
 * </pre>
 */
@Command(name = "serve", description = "Serve the provider's CSMS HTTP API (its SDK works against it) until stopped.")
final class Serve implements java.util.concurrent.Callable<Integer> {
    @CommandLine.ParentCommand
    Stagectl root;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--port", defaultValue = "0", description = "TCP port (default 0: any free port)")
    int port;
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to bind (default: ${DEFAULT-VALUE})")
    String host;
    @Option(names = "--in-memory", description = "keep secrets in memory (gone when the server stops) instead of --jdbc-url")
    boolean inMemory;
    @Option(names = "--credentials", required = true,
            description = "file of credentials: lines 'ak AK SK project[,project...]' and 'token TOKEN project[,...]'")
    Path credentials;
    @Option(names = "--key-store", description = "serve https with this PKCS12 key store")
    Path keyStore;
    @Option(names = "--key-store-password-file", description = "file holding the key store's password (first line)")
    Path keyStorePasswordFile;

    @Override
    public Integer call() throws Exception {
        StageManager manager = inMemory
                ? StageManager.builder().repository(root.keysetOption().apply(new InMemoryStageRepository())).build()
                : StageManager.builder().repository(root.store(false)).build(); // no command deadline: it serves
        CsmsServer.Builder builder = CsmsServer.builder(manager).port(port).host(host);
        int count = readCredentials(builder);
        if (count == 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no credential in " + credentials);
        }
        if (keyStore != null) {
            if (keyStorePasswordFile == null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--key-store needs --key-store-password-file");
            }
            char[] password = Files.readAllLines(keyStorePasswordFile, StandardCharsets.UTF_8).get(0).toCharArray();
            builder.tls(loadKeyStore(password), password);
            Arrays.fill(password, '\0');
        }
        CsmsServer server = builder.build().start();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "stagectl-serve-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        spec.commandLine().getOut().println("Serving CSMS at " + server.endpoint() + " (" + count
                + " credentials; " + (inMemory ? "in memory" : root.storeName())
                + (root.keyset != null ? "; encrypted at rest" : "") + ")");
        spec.commandLine().getOut().flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.close();
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        return 0;
    }

    private int readCredentials(CsmsServer.Builder builder) throws IOException {
        int count = 0;
        List<String> lines = Files.readAllLines(credentials, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s+");
            if (f[0].equals("ak") && f.length == 4) {
                builder.accessKey(f[1], f[2], f[3].split(","));
            } else if (f[0].equals("token") && f.length == 3) {
                builder.token(f[1], f[2].split(","));
            } else { // the line may hold a secret key: say where, not what
                throw new CommandLine.ParameterException(spec.commandLine(), credentials + " line " + (i + 1)
                        + ": expected 'ak AK SK projects' or 'token TOKEN projects'");
            }
            count++;
        }
        return count;
    }

    private KeyStore loadKeyStore(char[] password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, password);
        }
        return store;
    }
}
