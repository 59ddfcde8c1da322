package io.secretstages.encryption;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Every cell of every table of a database's default schema as bytes (binary columns as stored, others as the UTF-8
 * of their text), to search for a value's bytes in. Test code.
 */
final class DatabaseDump {
    private DatabaseDump() {
    }

    static List<byte[]> cells(DataSource db) {
        List<byte[]> cells = new ArrayList<>();
        try (Connection c = db.getConnection()) {
            DatabaseMetaData meta = c.getMetaData();
            List<String> tables = new ArrayList<>();
            try (ResultSet t = meta.getTables(null, c.getSchema(), "%", new String[]{"TABLE"})) {
                while (t.next()) {
                    tables.add(t.getString("TABLE_NAME"));
                }
            }
            if (tables.isEmpty()) {
                throw new AssertionError("no tables in schema " + c.getSchema());
            }
            for (String table : tables) {
                try (Statement s = c.createStatement(); ResultSet rows = s.executeQuery("SELECT * FROM " + table)) {
                    ResultSetMetaData columns = rows.getMetaData();
                    while (rows.next()) {
                        for (int i = 1; i <= columns.getColumnCount(); i++) {
                            int type = columns.getColumnType(i);
                            byte[] cell = type == Types.BINARY || type == Types.VARBINARY
                                    || type == Types.LONGVARBINARY || type == Types.BLOB ? rows.getBytes(i)
                                    : bytesOf(rows.getString(i));
                            if (cell != null) {
                                cells.add(cell);
                            }
                        }
                    }
                }
            }
            if (!c.getAutoCommit()) {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return cells;
    }

    private static byte[] bytesOf(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    /** @return the forms a value's bytes could take in a table: raw, hex (both cases), Base64 (both alphabets) */
    static List<byte[]> forms(byte[] value) {
        return List.of(value,
                bytesOf(HexFormat.of().formatHex(value)),
                bytesOf(HexFormat.of().withUpperCase().formatHex(value)),
                bytesOf(Base64.getEncoder().withoutPadding().encodeToString(value)),
                bytesOf(Base64.getUrlEncoder().withoutPadding().encodeToString(value)));
    }

    static boolean contains(byte[] haystack, byte[] needle) { // ISO-8859-1 maps each byte to one char
        return new String(haystack, StandardCharsets.ISO_8859_1).contains(new String(needle, StandardCharsets.ISO_8859_1));
    }
}
