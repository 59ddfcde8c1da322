package io.secretstages.spring.boot.autoconfigure;

import org.springframework.validation.Errors;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The start-up checks of {@link SecretStagesProperties}: the rules {@code StageManager.Builder}, {@code CacheSettings}
 * and the JDBC store's builder apply, each rejection naming the property as it is written
 * ({@code secret-stages.max-versions}).
 */
final class SecretStagesPropertiesRules {
    /** Same rule as the JDBC store's builder: a letter, then letters, digits and underscores, 40 at most. */
    private static final Pattern TABLE_PREFIX = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,39}");

    private SecretStagesPropertiesRules() {
    }

    private static final String EMPTY = "must not be empty";
    private static final String NO_PROJECT = "must name at least one project";

    private static void required(Errors errors, String field, boolean missing, String message) {
        if (missing) {
            reject(errors, field, "required", message);
        }
    }

    private static boolean isPositive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }

    /** Rejects a field with a message that names the property as it is written ({@code secret-stages.max-versions}). */
    private static void reject(Errors errors, String field, String code, String message) {
        String kebab = field.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
        String property = SecretStagesProperties.PREFIX + "." + kebab;
        errors.rejectValue(field, code, property + " " + message);
    }

    /**
     * Rejects each property of {@code p} that breaks one of the builders' rules.
     *
     * @param p the bound properties
     * @param errors where rejections go
     */
    static void validate(SecretStagesProperties p, Errors errors) {
        if (p.getMaxStages() < 2) {
            reject(errors, "maxStages", "min", "must be at least 2 (the built-in stages, R14)");
        }
        if (p.getMaxVersions() <= p.getMaxStages()) {
            reject(errors, "maxVersions", "range", "must exceed max-stages (" + p.getMaxStages()
                    + ") so that a deprecated version can be removed (R15)");
        }
        if (p.getWriteCacheSize() < 0) {
            reject(errors, "writeCacheSize", "min", "must not be negative");
        }
        String tablePrefix = p.getJdbc().getTablePrefix();
        if (tablePrefix == null || !TABLE_PREFIX.matcher(tablePrefix).matches()) {
            reject(errors, "jdbc.tablePrefix", "pattern", "must match " + TABLE_PREFIX.pattern());
        }
        if (p.getJdbc().getInitializeSchema() == null) {
            reject(errors, "jdbc.initializeSchema", "required", "must be embedded, always or never");
        }
        if (!isPositive(p.getCallTimeout())) {
            reject(errors, "callTimeout", "positive", "must be positive (every call has a deadline, R21)");
        }
        if (!isPositive(p.getJdbc().getStatementTimeout())) {
            reject(errors, "jdbc.statementTimeout", "positive", "must be positive");
        }
        if (!isPositive(p.getJdbc().getNetworkTimeout())) {
            reject(errors, "jdbc.networkTimeout", "positive", "must be positive");
        }
        validateServer(p.getServer(), errors);
        if (!isPositive(p.getCache().getStaleness())) {
            reject(errors, "cache.staleness", "positive", "must be positive");
        }
        if (p.getCache().getMaximumSize() <= 0) {
            reject(errors, "cache.maximumSize", "positive", "must be positive");
        }
        if (!isPositive(p.getHealth().getTimeout())) {
            reject(errors, "health.timeout", "positive", "must be positive");
        }
        String probeProject = p.getHealth().getProbeProject();
        if (probeProject == null || !probeProject.matches("[A-Za-z0-9_-]{1,64}")) {
            reject(errors, "health.probeProject", "pattern", "must be a project name (R1): [A-Za-z0-9_-]{1,64}");
        }
    }

    /** Only checked when the server is enabled; rejection messages never carry a credential. */
    private static void validateServer(SecretStagesServerProperties s, Errors errors) {
        if (!s.isEnabled()) {
            return;
        }
        if (s.getPort() < 0 || s.getPort() > 65535) {
            reject(errors, "server.port", "range", "must be 0 (any free port) to 65535");
        }
        required(errors, "server.host", s.getHost() == null || s.getHost().isBlank(), EMPTY);
        for (int i = 0; i < s.getAccessKeys().size(); i++) {
            SecretStagesServerProperties.AccessKey k = s.getAccessKeys().get(i);
            String at = "server.accessKeys[" + i + "].";
            required(errors, at + "accessKey", k.getAccessKey() == null || k.getAccessKey().isBlank(), EMPTY);
            required(errors, at + "secretKey", k.getSecretKey() == null || k.getSecretKey().isEmpty(), EMPTY);
            required(errors, at + "projects", k.getProjects() == null || k.getProjects().isEmpty(), NO_PROJECT);
        }
        for (int i = 0; i < s.getTokens().size(); i++) {
            SecretStagesServerProperties.Token t = s.getTokens().get(i);
            String at = "server.tokens[" + i + "].";
            required(errors, at + "token", t.getToken() == null || t.getToken().isEmpty(), EMPTY);
            required(errors, at + "projects", t.getProjects() == null || t.getProjects().isEmpty(), NO_PROJECT);
        }
    }
}
