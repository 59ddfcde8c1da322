package io.secretstages.cli;

import picocli.CommandLine;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a duration option such as {@code 10s}, {@code 500ms}, {@code 2m} or {@code PT10S}: more than zero and at
 * most a day.
 */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})(ms|s|m|h)");
    private static final Duration MAX = Duration.ofDays(1);

    @Override
    public Duration convert(String text) {
        Duration d;
        Matcher m = SHORT.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        } else {
            try {
                d = Duration.parse(text.trim());
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("'" + text + "' is not a duration (for example 10s, 500ms, 2m)");
            }
        }
        if (d.isZero() || d.isNegative() || d.compareTo(MAX) > 0) {
            throw new CommandLine.TypeConversionException("'" + text + "' must be more than 0 and at most 24h");
        }
        return d;
    }

    /** @return the duration as this converter reads it: {@code 10s}, {@code 1500ms}, {@code 2m} */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
        return s % 60 == 0 && s > 0 ? (s % 3600 == 0 ? s / 3600 + "h" : s / 60 + "m") : s + "s";
    }
}
