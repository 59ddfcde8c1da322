package io.secretstages.tck;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A thread-safe clock that moves only when told to, with millisecond resolution. For tests. */
public final class MutableClock extends Clock {
    private final AtomicLong millis;

    /** @param start the initial instant (truncated to milliseconds) */
    public MutableClock(Instant start) {
        this.millis = new AtomicLong(start.toEpochMilli());
    }

    /** @param by how far to move forward (or back, if negative) */
    public void advance(Duration by) {
        millis.addAndGet(by.toMillis());
    }

    /** @param instant the new time (truncated to milliseconds) */
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
        throw new UnsupportedOperationException("a MutableClock is always UTC");
    }

    @Override
    public String toString() {
        return "MutableClock[" + instant() + "]";
    }
}
