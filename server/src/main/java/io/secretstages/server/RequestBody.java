package io.secretstages.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secretstages.ErrorCode;
import io.secretstages.SecretValue;
import io.secretstages.StageException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A JSON request body, read strictly (S6): one object, no duplicate names, nothing after it, every known field of the
 * JSON type the provider's models declare. Anything else is {@code INVALID_PARAMETER} before any store is touched.
 * A JSON {@code null} is taken as an absent field (the SDK omits null fields). Unknown fields are ignored.
 */
final class RequestBody {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final ObjectNode object;

    private RequestBody(ObjectNode object) {
        this.object = object;
    }

    static RequestBody parse(byte[] body) {
        if (body.length == 0) {
            throw invalid("a JSON body is required");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw invalid("the body is not well-formed JSON"); // Jackson's message may quote the body: not used
        } catch (IOException e) {
            throw invalid("the body could not be read");
        }
        if (node == null || !node.isObject()) {
            throw invalid("the body must be a JSON object");
        }
        return new RequestBody((ObjectNode) node);
    }

    private JsonNode field(String name) {
        JsonNode n = object.get(name);
        return n == null || n.isNull() ? null : n;
    }

    Optional<String> string(String name) {
        JsonNode n = field(name);
        if (n == null) {
            return Optional.empty();
        }
        if (!n.isTextual()) {
            throw invalid(name + " must be a JSON string");
        }
        return Optional.of(n.textValue());
    }

    String requiredString(String name) {
        return string(name).orElseThrow(() -> invalid(name + " is required"));
    }

    Optional<Boolean> bool(String name) {
        JsonNode n = field(name);
        if (n == null) {
            return Optional.empty();
        }
        if (!n.isBoolean()) {
            throw invalid(name + " must be true or false");
        }
        return Optional.of(n.booleanValue());
    }

    /** An integral JSON number within [min, max]. */
    Optional<Long> integer(String name, long min, long max) {
        JsonNode n = field(name);
        if (n == null) {
            return Optional.empty();
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < min || n.longValue() > max) {
            throw invalid(name + " must be an integer from " + min + " to " + max);
        }
        return Optional.of(n.longValue());
    }

    Optional<List<String>> strings(String name) {
        JsonNode n = field(name);
        if (n == null) {
            return Optional.empty();
        }
        if (!n.isArray()) {
            throw invalid(name + " must be a JSON array of strings");
        }
        List<String> out = new ArrayList<>(n.size());
        for (JsonNode item : n) {
            if (!item.isTextual()) {
                throw invalid(name + " must be a JSON array of strings");
            }
            out.add(item.textValue());
        }
        return Optional.of(Collections.unmodifiableList(out));
    }

    /** Exactly one of {@code secret_string} and {@code secret_binary} (base64), S6 and R7. */
    SecretValue secretValue() {
        Optional<String> text = string("secret_string");
        Optional<String> binary = string("secret_binary");
        if (text.isPresent() == binary.isPresent()) {
            throw invalid("exactly one of secret_string and secret_binary is required");
        }
        if (text.isPresent()) {
            return SecretValue.ofString(text.get());
        }
        try {
            return SecretValue.ofBinary(Base64.getDecoder().decode(binary.get()));
        } catch (IllegalArgumentException e) {
            throw invalid("secret_binary must be base64 text");
        }
    }

    static StageException invalid(String message) {
        return new StageException(ErrorCode.INVALID_PARAMETER, message);
    }
}
