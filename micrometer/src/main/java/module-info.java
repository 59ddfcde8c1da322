/**
 * secret-stages for Micrometer: {@code MicrometerCallObserver} (an observation, a timer and lost-race counters per
 * {@code StageManager} call) and {@code StageManagerCacheMetrics} (the read cache's size and hit ratio).
 */
module io.secretstages.micrometer {
    requires transitive io.secretstages.core;
    requires transitive micrometer.core;
    requires transitive micrometer.observation;

    exports io.secretstages.micrometer;
}
