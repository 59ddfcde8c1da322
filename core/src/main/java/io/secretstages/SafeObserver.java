package io.secretstages;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@link CallObserver} that can never change a call's outcome: whatever the observer throws is logged. */
final class SafeObserver implements CallObserver {
    private static final Logger LOG = LoggerFactory.getLogger(StageManager.class);

    private final CallObserver observer;

    private SafeObserver(CallObserver observer) {
        this.observer = observer;
    }

    static CallObserver of(CallObserver observer) {
        return observer == CallObserver.NONE ? observer : new SafeObserver(observer);
    }

    @Override
    public Call start(String operation, String projectId, String secretName) {
        Call call;
        try {
            call = observer.start(operation, projectId, secretName);
        } catch (RuntimeException e) {
            LOG.warn("a call observer failed at the start of {}; the call goes on", operation, e);
            return Call.NONE;
        }
        if (call == null) {
            return Call.NONE;
        }
        return new Call() {
            @Override
            public void lostRace() {
                try {
                    call.lostRace();
                } catch (RuntimeException e) {
                    LOG.warn("a call observer failed on a lost race of {}; the call goes on", operation, e);
                }
            }

            @Override
            public void end(ErrorCode outcome) {
                try {
                    call.end(outcome);
                } catch (RuntimeException e) {
                    LOG.warn("a call observer failed at the end of {}; the outcome stands", operation, e);
                }
            }
        };
    }
}
