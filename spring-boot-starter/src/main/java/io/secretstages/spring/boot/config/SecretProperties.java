package io.secretstages.spring.boot.config;

import io.secretstages.SecretValue;
import org.springframework.boot.json.JsonParser;
import org.springframework.boot.json.JsonParserFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The properties one secret's value becomes, as Spring Cloud AWS does for Secrets Manager: a JSON object's keys
 * (nested objects and arrays flattened to {@code a.b} and {@code a[0]}), else one property named by the secret.
 */
final class SecretProperties {
    private SecretProperties() {
    }

    /**
     * @param secretName the secret's name, the property's name for a value that is not a JSON object
     * @param value a string value
     * @return the properties, in the JSON object's order
     * @throws IllegalArgumentException for a binary value (configuration is text)
     */
    static Map<String, Object> of(String secretName, SecretValue value) {
        String text = value.string().orElseThrow(() -> new IllegalArgumentException(
                "secret " + secretName + " holds a binary value; spring.config.import reads string values"));
        Map<String, Object> out = new LinkedHashMap<>();
        if (text.strip().startsWith("{")) {
            JsonParser parser = JsonParserFactory.getJsonParser();
            try {
                flatten("", parser.parseMap(text), out);
                return out;
            } catch (IllegalArgumentException notJson) { // JsonParseException, or a value that is not an object
                out.clear();
            }
        }
        out.put(secretName, text);
        return out;
    }

    private static void flatten(String prefix, Object node, Map<String, Object> out) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                flatten(prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                flatten(prefix + "[" + i + "]", list.get(i), out);
            }
        } else if (node != null) {
            out.put(prefix, node.toString());
        }
    }
}
