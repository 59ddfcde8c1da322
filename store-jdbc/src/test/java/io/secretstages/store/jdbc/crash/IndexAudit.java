package io.secretstages.store.jdbc.crash;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks, after a crash, that every index of the store's three tables agrees with its table: the rows a full scan
 * returns are exactly those read through each index, no key has two rows, and every foreign key finds its row. Each
 * database is made to scan or use an index in its own way ({@link #H2}: {@code USE INDEX}; {@link #SQLITE}:
 * {@code NOT INDEXED}/{@code INDEXED BY} and {@code PRAGMA integrity_check}; {@link #POSTGRESQL}: the planner's
 * {@code enable_*scan} switches); a plan that does not do what was asked is itself reported.
 */
abstract class IndexAudit {
    static final String SECRETS = "ss_secrets";
    static final String VERSIONS = "ss_versions";
    static final String STAGES = "ss_stages";
    private static final Map<String, String> COLUMNS = Map.of(
            SECRETS, "project_id, secret_name, revision, last_version, create_time, deletion_time",
            VERSIONS, "project_id, secret_name, version_number, create_time, is_string, secret_value, client_token",
            STAGES, "project_id, secret_name, stage_name, version_number, update_time");
    private static final Map<String, Integer> KEY_WIDTH = Map.of(SECRETS, 2, VERSIONS, 3, STAGES, 3);
    /** Every index of the schema starts with project_id: this condition lets any of them serve a query. */
    static final String ANY_INDEX = " WHERE project_id >= ''";

    /** @return every row of the table, read without any index */
    abstract List<String> scan(Connection c, String table, String columns) throws SQLException;

    /** @return every row of the table read through each of its indexes, by index name */
    abstract Map<String, List<String>> throughIndexes(Connection c, String table, String columns, List<String> problems)
            throws SQLException;

    /** @return the database's own consistency findings (none: empty) */
    List<String> engineCheck(Connection c) throws SQLException {
        return List.of();
    }

    /** @return every disagreement found; empty when the tables and indexes are consistent */
    final List<String> check(Connection c) throws SQLException {
        List<String> problems = new ArrayList<>(engineCheck(c));
        Map<String, Set<String>> keys = new TreeMap<>();
        Map<String, List<String>> scans = new TreeMap<>();
        for (String table : List.of(SECRETS, VERSIONS, STAGES)) {
            List<String> scanned = sorted(scan(c, table, COLUMNS.get(table)));
            scans.put(table, scanned);
            for (Map.Entry<String, List<String>> ix : throughIndexes(c, table, COLUMNS.get(table), problems)
                    .entrySet()) {
                List<String> indexed = sorted(ix.getValue());
                if (!indexed.equals(scanned)) {
                    problems.add("index " + ix.getKey() + " of " + table + " disagrees with a scan: scan " + scanned
                            + " index " + indexed);
                }
            }
            Set<String> seen = new HashSet<>();
            for (String row : scanned) {
                String key = prefix(row, KEY_WIDTH.get(table));
                if (!seen.add(key)) {
                    problems.add("two rows for one key of " + table + ": " + key);
                }
            }
            keys.put(table, seen);
        }
        for (String row : scans.get(VERSIONS)) {
            if (!keys.get(SECRETS).contains(prefix(row, 2))) {
                problems.add("version row without its secret: " + prefix(row, 3));
            }
        }
        for (String row : scans.get(STAGES)) {
            String[] f = row.split("\u0001");
            String version = f[0] + "\u0001" + f[1] + "\u0001" + f[3];
            if (!keys.get(VERSIONS).contains(version)) {
                problems.add("stage row on a missing version: " + prefix(row, 4));
            }
        }
        return problems;
    }

    private static String prefix(String row, int fields) {
        String[] f = row.split("\u0001");
        return String.join("\u0001", java.util.Arrays.copyOf(f, fields));
    }

    private static List<String> sorted(List<String> rows) {
        List<String> out = new ArrayList<>(rows);
        out.sort(null);
        return out;
    }

    /** @return the rows of a query, each as its columns joined by U+0001 (bytes as hex) */
    static List<String> rows(Connection c, String query) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    if (i > 1) {
                        b.append('\u0001');
                    }
                    Object o = rs.getObject(i);
                    if (o instanceof byte[] bytes) {
                        b.append(java.util.HexFormat.of().formatHex(bytes));
                    } else if (o instanceof Boolean bool) {
                        b.append(bool ? 1 : 0);
                    } else {
                        b.append(o);
                    }
                }
                out.add(b.toString());
            }
        }
        return out;
    }

    static String text(Connection c, String query) throws SQLException {
        return String.join("\n", rows(c, query));
    }

    /** H2: {@code USE INDEX ()} scans, {@code USE INDEX (name)} reads through one index; EXPLAIN confirms it. */
    static final IndexAudit H2 = new IndexAudit() {
        @Override
        List<String> scan(Connection c, String table, String columns) throws SQLException {
            return rows(c, "SELECT " + columns + " FROM " + table + " USE INDEX ()");
        }

        @Override
        Map<String, List<String>> throughIndexes(Connection c, String table, String columns, List<String> problems)
                throws SQLException {
            Map<String, List<String>> out = new LinkedHashMap<>();
            for (String index : rows(c, "SELECT INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES WHERE TABLE_SCHEMA"
                    + " = 'PUBLIC' AND TABLE_NAME = '" + table.toUpperCase(java.util.Locale.ROOT) + "'")) {
                String query = "SELECT " + columns + " FROM " + table + " USE INDEX (" + index + ")" + ANY_INDEX;
                String plan = text(c, "EXPLAIN " + query);
                if (!plan.contains(index)) {
                    problems.add("H2 did not read " + table + " through " + index + ": " + plan);
                }
                out.put(index, rows(c, query));
            }
            return out;
        }
    };

    /** SQLite: its own full check, then {@code NOT INDEXED} against {@code INDEXED BY} each index. */
    static final IndexAudit SQLITE = new IndexAudit() {
        @Override
        List<String> engineCheck(Connection c) throws SQLException {
            List<String> problems = new ArrayList<>();
            String integrity = text(c, "PRAGMA integrity_check");
            if (!integrity.equals("ok")) {
                problems.add("PRAGMA integrity_check: " + integrity);
            }
            String keys = text(c, "PRAGMA foreign_key_check");
            if (!keys.isEmpty()) {
                problems.add("PRAGMA foreign_key_check: " + keys);
            }
            return problems;
        }

        @Override
        List<String> scan(Connection c, String table, String columns) throws SQLException {
            return rows(c, "SELECT " + columns + " FROM " + table + " NOT INDEXED");
        }

        @Override
        Map<String, List<String>> throughIndexes(Connection c, String table, String columns, List<String> problems)
                throws SQLException {
            Map<String, List<String>> out = new LinkedHashMap<>();
            for (String row : rows(c, "PRAGMA index_list(" + table + ")")) {
                String[] f = row.split("\u0001");
                if (f[4].equals("1")) {
                    continue; // a partial index (not on project_id): integrity_check covers it
                }
                String index = f[1];
                out.put(index, rows(c, "SELECT " + columns + " FROM " + table + " INDEXED BY " + index + ANY_INDEX));
            }
            return out;
        }
    };

    /** PostgreSQL: a sequential scan with index scans switched off, then an index scan with sequential scans off. */
    static final IndexAudit POSTGRESQL = new IndexAudit() {
        @Override
        List<String> scan(Connection c, String table, String columns) throws SQLException {
            return withPlanner(c, "SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off;"
                    + " SET LOCAL enable_indexonlyscan = off", "SELECT " + columns + " FROM " + table, "Seq Scan",
                    null);
        }

        @Override
        Map<String, List<String>> throughIndexes(Connection c, String table, String columns, List<String> problems)
                throws SQLException {
            return Map.of(table + " (index scan)", withPlanner(c, "SET LOCAL enable_seqscan = off;"
                    + " SET LOCAL enable_bitmapscan = off", "SELECT " + columns + " FROM " + table + ANY_INDEX,
                    "Index", problems));
        }

        private List<String> withPlanner(Connection c, String settings, String query, String expected,
                                         List<String> problems) throws SQLException {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute(settings);
                String plan = text(c, "EXPLAIN " + query);
                if (!plan.contains(expected)) {
                    String finding = "PostgreSQL did not plan a " + expected + ": " + plan;
                    if (problems == null) {
                        throw new SQLException(finding);
                    }
                    problems.add(finding);
                }
                return rows(c, query);
            } finally {
                c.rollback();
                c.setAutoCommit(autoCommit);
            }
        }
    };
}
