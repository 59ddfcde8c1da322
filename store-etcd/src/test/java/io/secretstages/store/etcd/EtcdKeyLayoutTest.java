package io.secretstages.store.etcd;

import io.secretstages.store.etcd.testcluster.EtcdCluster;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.secretstages.SecretMetadata;
import io.secretstages.SecretPage;
import io.secretstages.SecretValue;
import io.secretstages.StageManager;
import io.secretstages.Stages;
import io.secretstages.tck.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The key layout as etcd holds it (read back with a bare jetcd client), and etcd's size limits: 20 versions of
 * 32 KiB in one secret, a secret deleted with all of them in one transaction, listing past one range page, and the
 * deletion index written and removed with the deletion time.
 */
class EtcdKeyLayoutTest {
    private static EtcdCluster cluster;
    private static Client client;
    private static final String PREFIX = "layout/";

    @BeforeAll
    static void startCluster() {
        EtcdCluster.assumeEtcdInstalled();
        cluster = EtcdCluster.start(3);
        client = cluster.client();
    }

    @AfterAll
    static void stopCluster() {
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static StageManager manager(MutableClock clock) {
        return StageManager.builder().repository(EtcdStageRepository.builder(client).keyPrefix(PREFIX).build())
                .clock(clock).build();
    }

    private static List<String> keys(String under) throws Exception {
        ByteSequence prefix = ByteSequence.from(PREFIX + under, StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        for (KeyValue kv : client.getKVClient().get(prefix, GetOption.builder().isPrefix(true).withKeysOnly(true)
                .build()).get(10, TimeUnit.SECONDS).getKvs()) {
            out.add(kv.getKey().toString(StandardCharsets.UTF_8).substring(PREFIX.length()));
        }
        return out;
    }

    @Test
    void twentyVersionsOf32KiB_fitAndGoInOneDeletion() throws Exception {
        StageManager m = manager(new MutableClock(Instant.parse("2026-01-01T00:00:00Z")));
        String project = "big-" + System.nanoTime();
        byte[][] values = new byte[25][];
        for (int i = 0; i < values.length; i++) {
            values[i] = new byte[32 * 1024];
            Arrays.fill(values[i], (byte) i);
        }
        m.createSecret(project, "s", SecretValue.ofBinary(values[0]));
        for (int i = 1; i < values.length; i++) {
            m.putVersion(project, "s", SecretValue.ofBinary(values[i]));
        }
        assertEquals(20, m.listVersions(project, "s").size(), "R15: the 20 newest kept");
        assertEquals(20, keys("v/" + project + "/s/").size(), "one value key per kept version, evicted ones deleted");
        for (int n = 6; n <= 25; n++) {
            assertArrayEquals(values[n - 1], m.getVersion(project, "s", "v" + n).value().binary().orElseThrow());
        }
        m.deleteSecret(project, "s");
        assertEquals(List.of(), keys("s/" + project + "/"));
        assertEquals(List.of(), keys("v/" + project + "/"), "every value went with the secret");
    }

    @Test
    void deletionIndex_writtenWithTheDeletionTime_removedOnRestoreAndPurge() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        StageManager m = manager(clock);
        String project = "due-" + System.nanoTime();
        m.createSecret(project, "a", SecretValue.ofString("x"));
        m.createSecret(project, "b", SecretValue.ofString("y"));
        SecretMetadata a = m.scheduleDeletion(project, "a", 7);
        m.scheduleDeletion(project, "b", 30);
        List<String> due = keys("d/");
        assertEquals(2, due.stream().filter(k -> k.endsWith("/" + project + "/a") || k.endsWith("/" + project + "/b"))
                .count(), due.toString());
        assertTrue(a.deletionTime().isPresent());

        m.restoreSecret(project, "b");
        assertTrue(keys("d/").stream().noneMatch(k -> k.endsWith("/" + project + "/b")), "restore removes the key");

        clock.advance(Duration.ofDays(8));
        assertTrue(m.purgeExpired() >= 1);
        assertTrue(keys("d/").stream().noneMatch(k -> k.endsWith("/" + project + "/a")), "purge removes the key");
        assertEquals(List.of(), keys("s/" + project + "/a"));
        assertEquals(Stages.SYSCURRENT, m.getStage(project, "b", Stages.SYSCURRENT).name());
    }

    @Test
    void listingPastOneRangePage_inNameOrder() {
        StageManager m = manager(new MutableClock(Instant.parse("2026-01-01T00:00:00Z")));
        String project = "many-" + System.nanoTime();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 450; i++) {
            names.add(String.format("s%04d", i));
        }
        names.parallelStream().forEach(n -> m.createSecret(project, n, SecretValue.ofString("v")));
        m.createSecret(project + "-x", "other-project", SecretValue.ofString("v")); // a project whose id extends it
        for (int i = 0; i < 450; i += 7) {
            m.scheduleDeletion(project, names.get(i), 7); // listed, with their state
        }
        List<String> listed = new ArrayList<>();
        String marker = null;
        do {
            SecretPage page = m.listSecrets(project, marker, 1000);
            page.secrets().forEach(s -> listed.add(s.name()));
            marker = page.nextMarker().orElse(null);
        } while (marker != null);
        assertEquals(names, listed);
        SecretPage first = m.listSecrets(project, null, 3);
        assertEquals(List.of("s0000", "s0001", "s0002"), first.secrets().stream().map(SecretMetadata::name).toList());
        assertNull(m.listSecrets(project, "s0449", 10).nextMarker().orElse(null));
    }

    /**
     * Key order is not id order ({@code "x-a/..."} sorts before {@code "x/..."}): listProjects still returns ids in
     * {@link String#compareTo} order, paged at any limit, across a project whose keys fill several range pages.
     */
    @Test
    void listingProjects_inIdOrderThoughKeysSortOtherwise_pastRangePages() {
        EtcdStageRepository store = EtcdStageRepository.builder(client)
                .keyPrefix("layout-projects-" + System.nanoTime() + "/").build();
        StageManager m = StageManager.builder().repository(store)
                .clock(new MutableClock(Instant.parse("2026-01-01T00:00:00Z"))).build();
        List<String> ids = new ArrayList<>(List.of("x", "x-a", "x-a-b", "x-a0", "x-b", "x0", "x_", "y", "y-", "y--"));
        for (String id : ids) {
            m.createSecret(id, "s", SecretValue.ofString("v"));
        }
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 450; i++) {
            many.add(String.format("s%04d", i));
        }
        many.parallelStream().forEach(n -> m.createSecret("x-a", n, SecretValue.ofString("v")));
        m.createSecret("gone", "s", SecretValue.ofString("v"));
        m.deleteSecret("gone", "s");
        ids.sort(String::compareTo);
        for (int limit : new int[]{1, 2, 3, 10, 100}) {
            List<String> listed = new ArrayList<>();
            String after = null;
            while (true) {
                List<String> page = store.listProjects(after, limit);
                listed.addAll(page);
                if (page.size() < limit) {
                    break;
                }
                after = page.get(page.size() - 1);
            }
            assertEquals(ids, listed, "limit " + limit);
        }
        assertEquals(List.of("x-a0", "x-b"), store.listProjects("x-a-c", 2), "after an id that does not exist");
        assertEquals(List.of("x-a", "x-a-b"), store.listProjects("x", 2));
        assertEquals(List.of(), store.listProjects("y--", 5));
    }
}
