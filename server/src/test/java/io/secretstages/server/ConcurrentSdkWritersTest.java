package io.secretstages.server;

import com.huaweicloud.sdk.csms.v1.CsmsClient;
import com.huaweicloud.sdk.csms.v1.model.CreateSecretRequest;
import com.huaweicloud.sdk.csms.v1.model.CreateSecretRequestBody;
import com.huaweicloud.sdk.csms.v1.model.CreateSecretVersionRequest;
import com.huaweicloud.sdk.csms.v1.model.CreateSecretVersionRequestBody;
import com.huaweicloud.sdk.csms.v1.model.UpdateSecretStageRequest;
import com.huaweicloud.sdk.csms.v1.model.UpdateSecretStageRequestBody;
import io.secretstages.tck.Invariants;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many SDK clients writing one secret at once over HTTP (I6, R21): every acknowledged write is there afterwards
 * (each writer's own stage is on the last version it was told it created, holding its last value), no version id
 * was issued twice, and the invariants I1-I5 hold.
 */
class ConcurrentSdkWritersTest {
    private static final int WRITERS = 8;
    private static final int WRITES = 8;

    @Test
    void noAcknowledgedWriteIsLost() throws Exception {
        for (Fixture f : List.of(Fixture.memory(), Fixture.h2())) {
            try (f) {
                run(f);
            }
        }
    }

    private static void run(Fixture f) throws Exception {
        f.client("p1").createSecret(new CreateSecretRequest().withBody(
                new CreateSecretRequestBody().withName("hot").withSecretString("v1")));
        CyclicBarrier start = new CyclicBarrier(WRITERS);
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        List<Future<List<String>>> results = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            results.add(pool.submit(() -> {
                CsmsClient client = f.client("p1");
                List<String> ids = new ArrayList<>();
                start.await(30, TimeUnit.SECONDS);
                for (int i = 0; i < WRITES; i++) {
                    String id = client.createSecretVersion(new CreateSecretVersionRequest().withSecretName("hot")
                            .withBody(new CreateSecretVersionRequestBody().withSecretString("w" + writer + "-" + i)
                                    .withVersionStages(List.of("w" + writer)))).getVersionMetadata().getId();
                    ids.add(id);
                    if (i % 4 == 3) { // and move SYSCURRENT, unguarded, racing the others
                        client.updateSecretStage(new UpdateSecretStageRequest().withSecretName("hot")
                                .withStageName("SYSCURRENT").withBody(new UpdateSecretStageRequestBody()
                                        .withVersionId(id)));
                    }
                }
                return ids;
            }));
        }
        Set<String> all = new HashSet<>();
        for (int w = 0; w < WRITERS; w++) {
            List<String> ids = results.get(w).get(120, TimeUnit.SECONDS);
            assertEquals(WRITES, ids.size());
            for (String id : ids) {
                assertTrue(all.add(id), "version id " + id + " acknowledged twice");
            }
            String last = ids.get(WRITES - 1);
            assertEquals(last, f.manager.getStage("p1", "hot", "w" + w).versionId(), "writer " + w + "'s stage");
            assertEquals("w" + w + "-" + (WRITES - 1), f.manager.getVersionByStage("p1", "hot", "w" + w).value()
                    .string().orElseThrow());
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        Invariants.checkQuiescent(f.manager, "p1", "hot");
    }
}
