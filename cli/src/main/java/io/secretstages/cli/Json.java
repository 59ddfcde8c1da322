package io.secretstages.cli;

import io.secretstages.SecretMetadata;
import io.secretstages.Stage;
import io.secretstages.VersionMetadata;

import java.util.List;
import java.util.TreeSet;

/** The provider's JSON response shapes, written by hand (no JSON library needed for these few). */
final class Json {
    private Json() {
    }

    static String string(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** {@code {"name":..,"version_id":..,"secret_name":..,"update_time":<epoch ms>}} */
    static String stage(Stage s) {
        return "{\"name\":" + string(s.name()) + ",\"version_id\":" + string(s.versionId()) + ",\"secret_name\":"
                + string(s.secretName()) + ",\"update_time\":" + s.updateTime().toEpochMilli() + "}";
    }

    /** {@code {"id":..,"create_time":<epoch ms>,"secret_name":..,"version_stages":[..]}} */
    static String versionMetadata(VersionMetadata v) {
        StringBuilder stages = new StringBuilder("[");
        for (String s : new TreeSet<>(v.stages())) {
            stages.append(stages.length() > 1 ? "," : "").append(string(s));
        }
        return "{\"id\":" + string(v.id()) + ",\"create_time\":" + v.createTime().toEpochMilli() + ",\"secret_name\":"
                + string(v.secretName()) + ",\"version_stages\":" + stages.append(']') + "}";
    }

    /** {@code {"name":..,"state":..,"create_time":<epoch ms>,"scheduled_delete_time":<epoch ms>|null}} */
    static String secret(SecretMetadata m) {
        return "{\"name\":" + string(m.name()) + ",\"state\":" + string(m.state().name()) + ",\"create_time\":"
                + m.createTime().toEpochMilli() + ",\"scheduled_delete_time\":"
                + m.deletionTime().map(t -> Long.toString(t.toEpochMilli())).orElse("null") + "}";
    }

    static String array(List<String> elements) {
        return "[" + String.join(",", elements) + "]";
    }
}
