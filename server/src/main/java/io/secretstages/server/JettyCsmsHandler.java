package io.secretstages.server;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves {@link CsmsApi} on Jetty's core API (no servlets). The body is read without holding a thread while it
 * trickles in (Jetty's demand callbacks), capped at {@link CsmsApi#MAX_BODY_BYTES} while reading, and must arrive
 * within the body deadline; then the API runs on one of Jetty's bounded pool threads. One access log line per
 * request: method, path, status, time, request id (never a query, header or body).
 */
final class JettyCsmsHandler extends Handler.Abstract {
    /** The access log: one INFO line per request. */
    static final Logger ACCESS = LoggerFactory.getLogger("io.secretstages.server.access");
    /** After a body passes the cap, up to this much more is read and dropped so the client sees the 413. */
    static final int DRAIN_BYTES = 1024 * 1024;

    private final CsmsApi api;
    private final ScheduledExecutorService timer;
    private final Duration bodyTimeout;

    JettyCsmsHandler(CsmsApi api, ScheduledExecutorService timer, Duration bodyTimeout) {
        this.api = api;
        this.timer = timer;
        this.bodyTimeout = bodyTimeout;
    }

    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object idle = new Object();
    private volatile boolean draining;

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        inFlight.incrementAndGet(); // before the draining check: close() either sees this request or refuses it
        Callback counted = new Callback() {
            @Override
            public void succeeded() {
                try {
                    callback.succeeded();
                } finally {
                    finished();
                }
            }

            @Override
            public void failed(Throwable failure) {
                try {
                    callback.failed(failure);
                } finally {
                    finished();
                }
            }
        };
        Exchange exchange = new Exchange(request, response, counted);
        if (draining) {
            exchange.answer(CsmsApi.refusal(503, "HTTP.SERVICE_UNAVAILABLE", "the server is shutting down"), true);
        } else {
            exchange.start();
        }
        return true;
    }

    private void finished() {
        if (inFlight.decrementAndGet() == 0) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    /**
     * Refuses new requests (503) and waits for those in flight to finish.
     *
     * @param timeout how long to wait at most
     * @return whether every request in flight finished in time
     */
    boolean drain(Duration timeout) throws InterruptedException {
        draining = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idle) {
            while (inFlight.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(idle, left);
            }
        }
        return true;
    }

    /** One request: its body being read, then its answer. */
    private final class Exchange implements Runnable {
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final long started = System.nanoTime();
        private final AtomicBoolean answered = new AtomicBoolean();
        /** Taken once: by the body deadline (408) or by the reader when the body is complete (or refused). */
        private final AtomicBoolean bodySettled = new AtomicBoolean();
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private long dropped = -1; // -1: still under the cap; else bytes dropped since it was passed
        private volatile ScheduledFuture<?> deadline; // armed only while waiting for body bytes

        Exchange(Request request, Response response, Callback callback) {
            this.request = request;
            this.response = response;
            this.callback = callback;
        }

        void start() {
            long length = request.getLength();
            if (length > CsmsApi.MAX_BODY_BYTES + DRAIN_BYTES) {
                tooLarge(); // declared far too large: answer at once, and close
                return;
            }
            run();
        }

        /**
         * Arms the body deadline, counted from the request's start, the first time the body is not all there: a
         * request whose body has already arrived (every GET) pays for no timer task.
         */
        private void armDeadline() {
            if (deadline != null) {
                return;
            }
            long left = bodyTimeout.toNanos() - (System.nanoTime() - started);
            deadline = timer.schedule(() -> {
                if (bodySettled.compareAndSet(false, true)) {
                    answer(CsmsApi.refusal(408, "HTTP.REQUEST_TIMEOUT", "the request body did not arrive in time"),
                            true);
                }
            }, Math.max(0, left), TimeUnit.NANOSECONDS);
        }

        /** Reads what has arrived; asks to be called again when there is more. */
        @Override
        public void run() {
            while (!answered.get()) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    armDeadline();
                    request.demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    if (!settle()) {
                        return;
                    }
                    answer(CsmsApi.refusal(400, "HTTP.BAD_REQUEST", "the request body could not be read"), true);
                    return;
                }
                ByteBuffer bytes = chunk.getByteBuffer();
                int n = bytes.remaining();
                if (dropped < 0 && body.size() + n > CsmsApi.MAX_BODY_BYTES) {
                    dropped = 0;
                    body.reset();
                }
                if (dropped >= 0) {
                    dropped += n;
                } else if (n > 0) {
                    byte[] copy = new byte[n];
                    bytes.get(copy);
                    body.write(copy, 0, n);
                }
                boolean last = chunk.isLast();
                chunk.release();
                if (dropped > DRAIN_BYTES || last) {
                    if (!settle()) {
                        return; // the deadline answered first
                    }
                    if (dropped >= 0) {
                        tooLarge();
                    } else {
                        answer(api.handle(csmsRequest()), false); // the deadline no longer applies
                    }
                    return;
                }
            }
        }

        /** @return whether this reader, not the deadline, settles the body; cancels the deadline if so */
        private boolean settle() {
            if (!bodySettled.compareAndSet(false, true)) {
                return false;
            }
            if (deadline != null) {
                deadline.cancel(false);
            }
            return true;
        }

        private void tooLarge() {
            answer(CsmsApi.refusal(413, CsmsApi.PAYLOAD_TOO_LARGE,
                    "the request body is over " + CsmsApi.MAX_BODY_BYTES + " bytes"), true);
        }

        private CsmsRequest csmsRequest() {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (HttpField field : request.getHeaders()) {
                headers.computeIfAbsent(field.getName(), k -> new ArrayList<>()).add(field.getValue());
            }
            return new CsmsRequest(request.getMethod(), request.getHttpURI().getPath(),
                    request.getHttpURI().getQuery(), headers, body.toByteArray());
        }

        private void answer(CsmsResponse answer, boolean close) {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            if (deadline != null) {
                deadline.cancel(false);
            }
            response.setStatus(answer.status());
            answer.headers().forEach((name, value) -> response.getHeaders().put(name, value));
            if (close) {
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
            }
            byte[] bytes = answer.body();
            if (answer.status() != 204) {
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
            }
            response.write(true, ByteBuffer.wrap(bytes), callback);
            ACCESS.info("{} {} {} {}ms {}", request.getMethod(), request.getHttpURI().getPath(), answer.status(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), answer.requestId());
        }
    }
}
