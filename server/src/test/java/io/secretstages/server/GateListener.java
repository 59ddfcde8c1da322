package io.secretstages.server;

import io.secretstages.StageEvent;
import io.secretstages.StageListener;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A change listener that, while closed, holds the request that made a change until it opens (listeners run on the
 * writing thread, after the commit): keeps a request in flight for the shutdown test, through the public API only.
 * Test code.
 */
final class GateListener implements StageListener {
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private final CountDownLatch entered = new CountDownLatch(1);

    void close() {
        gate = new CountDownLatch(1);
    }

    void open() {
        gate.countDown();
    }

    boolean awaitWriter(long seconds) throws InterruptedException {
        return entered.await(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void onChange(StageEvent event) {
        CountDownLatch g = gate;
        if (g.getCount() > 0) {
            entered.countDown();
            try {
                if (!g.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the gate never opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
