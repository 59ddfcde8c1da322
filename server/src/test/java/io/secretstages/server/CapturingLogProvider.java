package io.secretstages.server;

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
 * The SLF4J binding of this module's tests: every line (message, arguments and the full stack trace of any
 * throwable) is kept in memory for {@link NoSecretLeaksTest}. The project's loggers are enabled at every level;
 * other libraries' (Jetty, the SDK) at INFO and above unless {@link #everyLevel} is on. WARN and ERROR lines are
 * also printed. Test code.
 */
public final class CapturingLogProvider implements SLF4JServiceProvider {
    private static final List<String> LINES = new ArrayList<>();
    private static volatile boolean everyLevel;

    /** @param on whether every logger, Jetty's and the SDK's included, logs at every level */
    static void everyLevel(boolean on) {
        everyLevel = on;
    }

    /** Forgets every line kept so far. */
    static synchronized void clear() {
        LINES.clear();
    }

    /** @return a copy of every line logged so far */
    static synchronized List<String> lines() {
        return new ArrayList<>(LINES);
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

    /** A logger that captures everything. */
    static final class CapturingLogger extends LegacyAbstractLogger {
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
