/**
 * Micrometer metrics and observations for a {@link io.secretstages.StageManager}:
 * {@link io.secretstages.micrometer.MicrometerCallObserver} is registered with
 * {@code StageManager.Builder.observer}, {@link io.secretstages.micrometer.StageManagerCacheMetrics} binds the read
 * cache's gauges once the manager is built. No meter or tag ever holds a secret value; secret and project names only
 * when {@link io.secretstages.micrometer.MicrometerCallObserver.Builder#tagNames(boolean)} turns them on.
 */
package io.secretstages.micrometer;
