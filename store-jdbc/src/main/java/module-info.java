/** The JDBC store (SQLite, H2, PostgreSQL). */
module io.secretstages.store.jdbc {
    requires transitive io.secretstages.core;
    requires transitive java.sql;
    requires org.slf4j;

    exports io.secretstages.store.jdbc;
}
