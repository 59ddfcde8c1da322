package io.secretstages;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StageListener} that writes one INFO line per committed change to the SLF4J logger
 * {@code io.secretstages.audit}: operation, project, secret, stage moves, versions added and evicted, time. Never a
 * value. Register it with {@code StageManager.builder().listener(new AuditLogger())}.
 */
public final class AuditLogger implements StageListener {
    private static final Logger AUDIT = LoggerFactory.getLogger("io.secretstages.audit");

    /** Creates the audit logger. */
    public AuditLogger() {
    }

    @Override
    public void onChange(StageEvent e) {
        AUDIT.info("op={} project={} secret={} moves={} added={} evicted={} time={}", e.operation(), e.projectId(),
                e.secretName(), e.stagesMoved(), e.versionsAdded(), e.versionsEvicted(), e.time().toEpochMilli());
    }
}
