package io.secretstages.spring.boot.autoconfigure;

import org.springframework.boot.context.properties.bind.validation.BindValidationException;

/** A start-up failure's messages, its causes' and its validation errors', as one text to assert on. */
final class StartUpFailures {
    private StartUpFailures() {
    }

    static String messages(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
            if (t instanceof BindValidationException v) {
                v.getValidationErrors().forEach(e -> all.append(e).append('\n'));
            }
        }
        return all.toString();
    }
}
