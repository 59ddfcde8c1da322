package io.secretstages.junit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** The clock of a {@link SecretStagesTest}'s manager: it moves only when the test moves it. Thread-safe, UTC. */
public final class TestClock extends Clock {
    private final AtomicLong millis;

    /** @param start the initial instant (milliseconds are kept) */
    public TestClock(Instant start) {
        this.millis = new AtomicLong(start.toEpochMilli());
    }

    /**
     * @param by how far to move
     * @return the new instant
     */
    public Instant advance(Duration by) {
        return Instant.ofEpochMilli(millis.addAndGet(by.toMillis()));
    }

    /** @param instant the new time */
    public void set(Instant instant) {
        millis.set(instant.toEpochMilli());
    }

    @Override
    public long millis() {
        return millis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a TestClock is always UTC");
    }

    @Override
    public String toString() {
        return "TestClock[" + instant() + "]";
    }
}
