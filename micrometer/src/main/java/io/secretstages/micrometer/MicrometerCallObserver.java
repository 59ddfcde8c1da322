package io.secretstages.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.secretstages.CallObserver;
import io.secretstages.ErrorCode;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A {@link CallObserver} that makes one Micrometer {@link Observation} per {@code StageManager} call, named
 * {@value #CALLS}, with the low-cardinality keys {@value #OPERATION} (the method's name: {@code getStage},
 * {@code putVersion}, ...) and {@value #OUTCOME} ({@value #SUCCESS}, {@value #STORE_FAILURE_OUTCOME} when the store
 * failed, else the refusal's {@link ErrorCode} name, such as {@code SECRET_NOT_FOUND} or {@code CONFLICT}). With a
 * {@link DefaultMeterObservationHandler} on the observation registry (Spring Boot registers one) each
 * (operation, outcome) pair becomes a timer {@value #CALLS}; a tracing handler turns each call into a span.
 *
 * <p>It also counts, per operation, {@value #LOST_RACES}: optimistic writes that lost to another writer and were
 * planned again (R21), and {@value #RETRIED_CALLS}: calls that needed at least one such retry.
 *
 * <p><b>Cardinality and secrecy.</b> By default no tag names a project or a secret, so the number of meters is bounded
 * by operations times outcomes. {@link Builder#tagNames(boolean)} adds {@value #PROJECT} and {@value #SECRET} tags
 * (malformed names, which a call refuses, are tagged {@value #INVALID_NAME}). No value is ever seen by an observer.
 *
 * <pre>{@code
 * MicrometerCallObserver observer = MicrometerCallObserver.builder(meterRegistry)
 *         .observationRegistry(observationRegistry)   // optional: else one with a meter handler is made
 *         .build();
 * StageManager stages = StageManager.builder().repository(repository).observer(observer).build();
 * }</pre>
 *
 * Thread-safe.
 */
public final class MicrometerCallObserver implements CallObserver {
    /** The observation's (and timer's) name. */
    public static final String CALLS = "secretstages.calls";
    /** The counter of lost optimistic races, tagged by operation. */
    public static final String LOST_RACES = "secretstages.lost.races";
    /** The counter of calls that were retried after at least one lost race, tagged by operation. */
    public static final String RETRIED_CALLS = "secretstages.retried.calls";
    /** Tag key: the {@code StageManager} method. */
    public static final String OPERATION = "operation";
    /** Tag key: how the call ended. */
    public static final String OUTCOME = "outcome";
    /** Tag key (only with {@link Builder#tagNames(boolean)}): the project. */
    public static final String PROJECT = "project";
    /** Tag key (only with {@link Builder#tagNames(boolean)}): the secret. */
    public static final String SECRET = "secret";
    /** {@value #OUTCOME} of a call that returned normally. */
    public static final String SUCCESS = "success";
    /** {@value #OUTCOME} of a call that failed because the store did ({@link ErrorCode#STORE_FAILURE}). */
    public static final String STORE_FAILURE_OUTCOME = "store_failure";
    /** {@value #PROJECT} or {@value #SECRET} tag of a call that names none ({@code purgeExpired}, ...). */
    public static final String NO_NAME = "none";
    /** {@value #PROJECT} or {@value #SECRET} tag of a malformed name (the call is refused, R1/R2). */
    public static final String INVALID_NAME = "invalid";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final ObservationRegistry observations;
    private final MeterRegistry meters;
    private final boolean tagNames;

    private MicrometerCallObserver(Builder b) {
        this.meters = b.meters;
        this.tagNames = b.tagNames;
        if (b.observations != null) {
            this.observations = b.observations;
        } else {
            this.observations = ObservationRegistry.create();
            this.observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
        }
    }

    /**
     * @param meters where the counters go, and the timers unless {@link Builder#observationRegistry} is given
     * @return a builder
     */
    public static Builder builder(MeterRegistry meters) {
        return new Builder(meters);
    }

    /** Configures a {@link MicrometerCallObserver}. */
    public static final class Builder {
        private final MeterRegistry meters;
        private ObservationRegistry observations;
        private boolean tagNames;

        private Builder(MeterRegistry meters) {
            this.meters = Objects.requireNonNull(meters, "meters");
        }

        /**
         * Observes calls through this registry (its handlers decide what becomes of each observation: a timer with
         * {@link DefaultMeterObservationHandler}, a span with a tracing handler). Without it, calls are observed
         * through a private registry that records a timer in the meter registry.
         *
         * @param registry the observation registry
         * @return this builder
         */
        public Builder observationRegistry(ObservationRegistry registry) {
            this.observations = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * Tags every observation, timer and counter with the call's {@value #PROJECT} and {@value #SECRET} names.
         * Off by default: each secret then makes its own meters, which a large installation may not want, and names
         * can be sensitive. Values are never tagged either way.
         *
         * @param enabled whether to tag with project and secret names
         * @return this builder
         */
        public Builder tagNames(boolean enabled) {
            this.tagNames = enabled;
            return this;
        }

        /** @return the observer */
        public MicrometerCallObserver build() {
            return new MicrometerCallObserver(this);
        }
    }

    @Override
    public Call start(String operation, String projectId, String secretName) {
        Observation observation = Observation.createNotStarted(CALLS, observations)
                .contextualName("secretstages " + operation)
                .lowCardinalityKeyValue(OPERATION, operation);
        if (tagNames) {
            observation.lowCardinalityKeyValue(PROJECT, nameTag(projectId))
                    .lowCardinalityKeyValue(SECRET, nameTag(secretName));
        }
        observation.start();
        return new ObservedCall(observation, observation.openScope(), operation, projectId, secretName);
    }

    private static String nameTag(String name) {
        if (name == null) {
            return NO_NAME;
        }
        return NAME.matcher(name).matches() ? name : INVALID_NAME;
    }

    /** @return the {@value #OUTCOME} tag for a call's end */
    static String outcome(ErrorCode code) {
        if (code == null) {
            return SUCCESS;
        }
        return code == ErrorCode.STORE_FAILURE ? STORE_FAILURE_OUTCOME : code.name();
    }

    private Counter counter(String name, String operation, String projectId, String secretName) {
        Counter.Builder b = Counter.builder(name).tag(OPERATION, operation);
        if (tagNames) {
            b.tag(PROJECT, nameTag(projectId)).tag(SECRET, nameTag(secretName));
        }
        return b.register(meters);
    }

    /** One call: its observation, open in the calling thread's scope until the call ends. */
    private final class ObservedCall implements Call {
        private final Observation observation;
        private final Observation.Scope scope;
        private final String operation;
        private final String projectId;
        private final String secretName;
        private int lostRaces;

        ObservedCall(Observation observation, Observation.Scope scope, String operation, String projectId,
                     String secretName) {
            this.observation = observation;
            this.scope = scope;
            this.operation = operation;
            this.projectId = projectId;
            this.secretName = secretName;
        }

        @Override
        public void lostRace() {
            lostRaces++;
            counter(LOST_RACES, operation, projectId, secretName).increment();
        }

        @Override
        public void end(ErrorCode outcome) {
            if (lostRaces > 0) {
                counter(RETRIED_CALLS, operation, projectId, secretName).increment();
            }
            observation.lowCardinalityKeyValue(OUTCOME, outcome(outcome));
            scope.close();
            observation.stop();
        }
    }
}
