/** A CSMS-compatible HTTP server over a StageManager (docs/rules.md, S1-S9). */
module io.secretstages.server {
    requires transitive io.secretstages.core;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires org.eclipse.jetty.server;
    requires org.eclipse.jetty.http;
    requires org.eclipse.jetty.io;
    requires org.eclipse.jetty.util;
    requires org.slf4j;

    exports io.secretstages.server;
}
