package io.secretstages;

import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The caches' default expiry clock: {@link System#nanoTime()} as one daemon thread reads it every millisecond, so
 * that a cache hit reads a volatile field instead of the clock (a clock read costs tens of nanoseconds on some
 * virtual machines, as much as the rest of a hit). It lags the real clock by one period plus the thread's scheduling
 * delay, normally about a millisecond, which the staleness bounds (a second or more) do not notice: an entry may live
 * that much longer.
 *
 * <p>{@link StageManager} has no {@code close()} (its API is fixed), so no owner can stop the thread. Instead one
 * {@link #SHARED} ticker serves every cache of the JVM: its thread starts with the first cache that
 * {@link #register registers} and ends by itself once every registered cache has been garbage collected; the next
 * registration starts it again. Rule code never reads this time: it only expires cache entries.
 */
final class CoarseTicker {
    /** The ticker of every cache built without {@link CacheSettings#ticker}. */
    static final CoarseTicker SHARED = new CoarseTicker();
    private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final ReferenceQueue<Object> collected = new ReferenceQueue<>();
    /** The live registrations (held so that they are enqueued); guarded by {@code this}. */
    private final Set<Reference<Object>> owners = new HashSet<>();
    private Thread thread;
    private volatile long now = System.nanoTime();

    /** @return nanoseconds, as {@link System#nanoTime()} was read at most about a millisecond ago */
    long read() {
        return now;
    }

    /**
     * Keeps the ticking thread alive as long as {@code owner} is reachable.
     *
     * @param owner the cache using the ticker
     */
    synchronized void register(Object owner) {
        owners.add(new PhantomReference<>(owner, collected));
        now = System.nanoTime();
        if (thread == null) {
            thread = new Thread(this::tick, "secret-stages-cache-ticker");
            thread.setDaemon(true);
            thread.start();
        }
    }

    /** @return whether the ticking thread runs */
    synchronized boolean running() {
        return thread != null;
    }

    private void tick() {
        while (true) {
            now = System.nanoTime();
            Reference<?> gone;
            while ((gone = collected.poll()) != null) {
                if (unregisteredLast(gone)) {
                    return;
                }
            }
            LockSupport.parkNanos(PERIOD_NANOS);
            Thread.interrupted(); // an interrupt must not turn the park into a spin
        }
    }

    /** @return whether {@code gone} was the last registration, in which case the thread ends its run */
    private synchronized boolean unregisteredLast(Reference<?> gone) {
        owners.remove(gone);
        if (owners.isEmpty()) {
            thread = null;
            return true;
        }
        return false;
    }
}
