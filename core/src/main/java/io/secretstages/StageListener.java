package io.secretstages;

/**
 * Told of every change a {@link StageManager} committed, after the store committed it, on the writing thread.
 * Events never carry secret values. A listener that throws is logged (WARN) and ignored: it can neither undo nor
 * fail the change. Listeners see only this manager's own writes (other nodes' writes go to their listeners).
 */
@FunctionalInterface
public interface StageListener {
    /**
     * @param event the committed change
     */
    void onChange(StageEvent event);
}
