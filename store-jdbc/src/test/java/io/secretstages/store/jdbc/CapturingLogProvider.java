package io.secretstages.store.jdbc;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The SLF4J binding of the tests of this module and of those that use its test-jar (encryption, server): every
 * line (message, arguments and the full stack trace of any throwable) is kept in memory for the no-leak tests. The
 * project's loggers are enabled at every level; other libraries' (drivers, pools, Jetty, the SDK) too while
 * {@link #everyLevel} is on, else at INFO and above. It is on unless the system property
 * {@code secretstages.log.everyLevel} is {@code false} (the server's tests set it so: Jetty at DEBUG over every
 * test would fill the heap). WARN and ERROR lines are also printed. Test code.
 */
public final class CapturingLogProvider implements SLF4JServiceProvider {
    private static final List<String> LINES = new ArrayList<>();
    private static volatile boolean everyLevel =
            Boolean.parseBoolean(System.getProperty("secretstages.log.everyLevel", "true"));

    /** @return a copy of every line logged so far */
    public static synchronized List<String> lines() {
        return new ArrayList<>(LINES);
    }

    /** @param on whether every logger, other libraries' included, logs at every level */
    public static void everyLevel(boolean on) {
        everyLevel = on;
    }

    /** Forgets every line kept so far. */
    public static synchronized void clear() {
        LINES.clear();
    }

    private static synchronized void add(String line) {
        LINES.add(line);
    }

    private final ILoggerFactory factory = CapturingLogger::new;
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
    }

    /** A logger that captures every line it is enabled for. */
    public static final class CapturingLogger extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;

        CapturingLogger(String name) {
            this.name = name;
        }

        @Override
        public boolean isTraceEnabled() {
            return everyLevel || name.startsWith("io.secretstages");
        }

        @Override
        public boolean isDebugEnabled() {
            return everyLevel || name.startsWith("io.secretstages");
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                                   Throwable throwable) {
            if ((level == Level.TRACE || level == Level.DEBUG) && !isDebugEnabled()) {
                return;
            }
            StringBuilder line = new StringBuilder().append(level).append(' ').append(name).append(' ')
                    .append(MessageFormatter.basicArrayFormat(pattern, arguments));
            if (throwable != null) {
                StringWriter trace = new StringWriter();
                throwable.printStackTrace(new PrintWriter(trace));
                line.append('\n').append(trace);
            }
            add(line.toString());
            if (level == Level.WARN || level == Level.ERROR) {
                System.err.println(line);
            }
        }
    }
}
