package io.secretstages.spring.boot.autoconfigure;

import io.secretstages.CacheSettings;
import io.secretstages.StageManager;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

import java.time.Duration;

/**
 * The {@code secret-stages.*} properties: everything {@link StageManager.Builder}, {@link CacheSettings} and the JDBC
 * store's builder offer, plus the metrics and health options. Checked at start-up (a bad value fails it, naming the
 * property), with the same rules the builders apply.
 */
@ConfigurationProperties(prefix = SecretStagesProperties.PREFIX)
public class SecretStagesProperties implements Validator {
    /** The properties' prefix. */
    public static final String PREFIX = "secret-stages";

    /** The most stages a secret holds, the two built-ins included (R14); at least 2. */
    private int maxStages = 12;

    /** The most versions a secret keeps (R15); must exceed max-stages. */
    private int maxVersions = 20;

    /**
     * How many snapshots of recently written secrets the manager keeps to plan its next write without a read (only
     * over a database and without the read cache); 0 turns it off.
     */
    private long writeCacheSize = 10_000;

    /** The deadline of every manager call, retries included (R21); positive. */
    private Duration callTimeout = Duration.ofSeconds(30);

    private final Jdbc jdbc = new Jdbc();
    private final Cache cache = new Cache();
    private final Metrics metrics = new Metrics();
    private final Health health = new Health();
    @NestedConfigurationProperty
    private final SecretStagesServerProperties server = new SecretStagesServerProperties();

    /** @return the most stages a secret holds */
    public int getMaxStages() {
        return maxStages;
    }

    /** @param maxStages the most stages a secret holds, built-ins included */
    public void setMaxStages(int maxStages) {
        this.maxStages = maxStages;
    }

    /** @return the most versions a secret keeps */
    public int getMaxVersions() {
        return maxVersions;
    }

    /** @param maxVersions the most versions a secret keeps */
    public void setMaxVersions(int maxVersions) {
        this.maxVersions = maxVersions;
    }

    /** @return the write cache's size */
    public long getWriteCacheSize() {
        return writeCacheSize;
    }

    /** @param writeCacheSize the write cache's size, 0 for none */
    public void setWriteCacheSize(long writeCacheSize) {
        this.writeCacheSize = writeCacheSize;
    }

    /** @return the deadline of every manager call */
    public Duration getCallTimeout() {
        return callTimeout;
    }

    /** @param callTimeout the deadline of every manager call, positive */
    public void setCallTimeout(Duration callTimeout) {
        this.callTimeout = callTimeout;
    }

    /** @return the CSMS server's options */
    public SecretStagesServerProperties getServer() {
        return server;
    }

    /** @return the JDBC store's options */
    public Jdbc getJdbc() {
        return jdbc;
    }

    /** @return the read cache's options */
    public Cache getCache() {
        return cache;
    }

    /** @return the metrics options */
    public Metrics getMetrics() {
        return metrics;
    }

    /** @return the health indicator's options */
    public Health getHealth() {
        return health;
    }

    /** When the JDBC store creates (or upgrades) its tables at start-up. */
    public enum SchemaInitialization {
        /** Only on an in-memory database (H2 {@code jdbc:h2:mem:}), as Spring Boot's own schema initialisers. */
        EMBEDDED,
        /** Always: the DDL is idempotent and upgrades older tables in place. */
        ALWAYS,
        /** Never: apply the DDL shipped in the store's jar yourself (Flyway, Liquibase). */
        NEVER
    }

    /** {@code secret-stages.jdbc.*}: the JDBC store over the application's {@code DataSource}. */
    public static class Jdbc {
        /** Whether to keep secrets in the application's DataSource when there is one (else in memory). */
        private boolean enabled = true;

        /** The tables' name prefix. */
        private String tablePrefix = "ss_";

        /** When to create the tables: embedded (in-memory databases only), always or never. */
        private SchemaInitialization initializeSchema = SchemaInitialization.EMBEDDED;

        /** How long one SQL statement may run before the driver cancels it; positive. */
        private Duration statementTimeout = Duration.ofSeconds(10);

        /**
         * How long a connection waits for a silent database before it is abandoned; positive. One not above the
         * statement timeout is applied as the statement timeout plus 1s, so that a slow statement is cancelled first.
         */
        private Duration networkTimeout = Duration.ofSeconds(10);

        /** @return the statement timeout */
        public Duration getStatementTimeout() {
            return statementTimeout;
        }

        /** @param statementTimeout the statement timeout, positive */
        public void setStatementTimeout(Duration statementTimeout) {
            this.statementTimeout = statementTimeout;
        }

        /** @return the network timeout */
        public Duration getNetworkTimeout() {
            return networkTimeout;
        }

        /** @param networkTimeout the network timeout, positive */
        public void setNetworkTimeout(Duration networkTimeout) {
            this.networkTimeout = networkTimeout;
        }

        /** @return whether the JDBC store is used when there is a DataSource */
        public boolean isEnabled() {
            return enabled;
        }

        /** @param enabled whether the JDBC store is used when there is a DataSource */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** @return the tables' name prefix */
        public String getTablePrefix() {
            return tablePrefix;
        }

        /** @param tablePrefix the tables' name prefix */
        public void setTablePrefix(String tablePrefix) {
            this.tablePrefix = tablePrefix;
        }

        /** @return when the tables are created */
        public SchemaInitialization getInitializeSchema() {
            return initializeSchema;
        }

        /** @param initializeSchema when the tables are created */
        public void setInitializeSchema(SchemaInitialization initializeSchema) {
            this.initializeSchema = initializeSchema;
        }
    }

    /** {@code secret-stages.cache.*}: the read cache (off unless enabled). */
    public static class Cache {
        /** Whether reads are served from a cache (other nodes' writes then show within the staleness). */
        private boolean enabled;

        /** How long a cached secret may be served before it is read again. */
        private Duration staleness = Duration.ofSeconds(2);

        /** How many secrets the cache holds at most. */
        private long maximumSize = 100_000;

        /** Whether hits and misses are counted (needed for the cache gauges in /actuator/metrics). */
        private boolean recordStatistics;

        /** @return whether the read cache is on */
        public boolean isEnabled() {
            return enabled;
        }

        /** @param enabled whether the read cache is on */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** @return the staleness bound */
        public Duration getStaleness() {
            return staleness;
        }

        /** @param staleness the staleness bound, positive */
        public void setStaleness(Duration staleness) {
            this.staleness = staleness;
        }

        /** @return the most cached secrets */
        public long getMaximumSize() {
            return maximumSize;
        }

        /** @param maximumSize the most cached secrets, positive */
        public void setMaximumSize(long maximumSize) {
            this.maximumSize = maximumSize;
        }

        /** @return whether statistics are recorded */
        public boolean isRecordStatistics() {
            return recordStatistics;
        }

        /** @param recordStatistics whether statistics are recorded */
        public void setRecordStatistics(boolean recordStatistics) {
            this.recordStatistics = recordStatistics;
        }

        /** @return the cache settings these properties describe, or null when the cache is off */
        public CacheSettings toSettings() {
            if (!enabled) {
                return null;
            }
            CacheSettings s = CacheSettings.expireAfterWrite(staleness).maximumSize(maximumSize);
            return recordStatistics ? s.recordStatistics() : s;
        }
    }

    /** {@code secret-stages.metrics.*}: the Micrometer binding. */
    public static class Metrics {
        /** Whether calls are observed (timers, lost-race counters) when Micrometer is present. */
        private boolean enabled = true;

        /** Whether meters are tagged with project and secret names (more meters; values are never tagged). */
        private boolean tagNames;

        /** @return whether calls are observed */
        public boolean isEnabled() {
            return enabled;
        }

        /** @param enabled whether calls are observed */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** @return whether meters carry project and secret names */
        public boolean isTagNames() {
            return tagNames;
        }

        /** @param tagNames whether meters carry project and secret names */
        public void setTagNames(boolean tagNames) {
            this.tagNames = tagNames;
        }
    }

    /** {@code secret-stages.health.*}: the Actuator health indicator. */
    public static class Health {
        /** The project the health check lists (one secret at most); it need not exist. */
        private String probeProject = "health";

        /** How long the health check waits for the store before it reports DOWN. */
        private Duration timeout = Duration.ofSeconds(2);

        /** @return the probed project */
        public String getProbeProject() {
            return probeProject;
        }

        /** @param probeProject the probed project */
        public void setProbeProject(String probeProject) {
            this.probeProject = probeProject;
        }

        /** @return the health check's time bound */
        public Duration getTimeout() {
            return timeout;
        }

        /** @param timeout the health check's time bound, positive */
        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }
    }

    @Override
    public boolean supports(Class<?> type) {
        return SecretStagesProperties.class.isAssignableFrom(type);
    }

    /** Applies the builders' rules ({@link SecretStagesPropertiesRules}), naming the property that breaks one. */
    @Override
    public void validate(Object target, Errors errors) {
        SecretStagesPropertiesRules.validate((SecretStagesProperties) target, errors);
    }
}
