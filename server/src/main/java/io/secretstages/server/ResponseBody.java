package io.secretstages.server;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.secretstages.SecretMetadata;
import io.secretstages.SecretState;
import io.secretstages.SecretValue;
import io.secretstages.SecretVersion;
import io.secretstages.Stage;
import io.secretstages.VersionMetadata;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The JSON bodies of the provider's response models (S2, S8): wrapper keys, snake_case names, times as integer epoch
 * milliseconds, {@code version_stages} as a list, {@code secret_binary} as base64 text. Written with Jackson's
 * streaming generator, in the field order of the SDK's models.
 */
final class ResponseBody {
    private static final JsonFactory JSON = new JsonFactory();

    private ResponseBody() {
    }

    /** A body writer: one JSON document. */
    @FunctionalInterface
    interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    static byte[] json(Writer writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            writer.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory", e);
        }
        return out.toByteArray();
    }

    static byte[] error(String errorCode, String message) {
        return json(g -> {
            g.writeStartObject();
            g.writeStringField("error_code", errorCode);
            g.writeStringField("error_msg", message);
            g.writeEndObject();
        });
    }

    /**
     * S8: stable for the life of a secret, new when a secret of that name is created again (its create time, in
     * milliseconds, differs).
     */
    static String secretId(String projectId, String name, Instant createTime) {
        return UUID.nameUUIDFromBytes((projectId + "/" + name + "/" + createTime.toEpochMilli())
                .getBytes(StandardCharsets.UTF_8)).toString();
    }

    static byte[] secret(String projectId, SecretMetadata secret) {
        return json(g -> {
            g.writeStartObject();
            g.writeFieldName("secret");
            writeSecret(g, projectId, secret.name(), secret.state(), secret.createTime(), secret.deletionTime(),
                    secret.description());
            g.writeEndObject();
        });
    }

    static byte[] createdSecret(String projectId, SecretVersion first, String description) {
        return json(g -> {
            g.writeStartObject();
            g.writeFieldName("secret");
            VersionMetadata v = first.metadata();
            writeSecret(g, projectId, v.secretName(), SecretState.ENABLED, v.createTime(), Optional.empty(),
                    description);
            g.writeEndObject();
        });
    }

    static byte[] secrets(String projectId, List<SecretMetadata> page, Optional<String> nextMarker) {
        return json(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("secrets");
            for (SecretMetadata s : page) {
                writeSecret(g, projectId, s.name(), s.state(), s.createTime(), s.deletionTime(), s.description());
            }
            g.writeEndArray();
            writePageInfo(g, page.size(), nextMarker);
            g.writeEndObject();
        });
    }

    private static void writeSecret(JsonGenerator g, String projectId, String name, SecretState state,
                                    Instant createTime, Optional<Instant> deletionTime, String description)
            throws IOException {
        g.writeStartObject();
        g.writeStringField("id", secretId(projectId, name, createTime));
        g.writeStringField("name", name);
        g.writeStringField("state", state == SecretState.PENDING_DELETION ? "PENDING_DELETE" : "ENABLED");
        if (!description.isEmpty()) { // R23: "" is no description
            g.writeStringField("description", description);
        }
        g.writeNumberField("create_time", createTime.toEpochMilli());
        if (deletionTime.isPresent()) {
            g.writeNumberField("scheduled_delete_time", deletionTime.get().toEpochMilli());
        }
        g.writeStringField("secret_type", "COMMON");
        g.writeBooleanField("auto_rotation", false);
        g.writeEndObject();
    }

    private static void writePageInfo(JsonGenerator g, int count, Optional<String> nextMarker) throws IOException {
        g.writeObjectFieldStart("page_info");
        if (nextMarker.isPresent()) {
            g.writeStringField("next_marker", nextMarker.get());
        }
        g.writeNumberField("current_count", count);
        g.writeEndObject();
    }

    static byte[] versionMetadata(VersionMetadata v) {
        return json(g -> {
            g.writeStartObject();
            g.writeFieldName("version_metadata");
            writeVersionMetadata(g, v);
            g.writeEndObject();
        });
    }

    static byte[] versionMetadatas(List<VersionMetadata> page, Optional<String> nextMarker) {
        return json(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("version_metadatas");
            for (VersionMetadata v : page) {
                writeVersionMetadata(g, v);
            }
            g.writeEndArray();
            writePageInfo(g, page.size(), nextMarker);
            g.writeEndObject();
        });
    }

    private static void writeVersionMetadata(JsonGenerator g, VersionMetadata v) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", v.id());
        g.writeNumberField("create_time", v.createTime().toEpochMilli());
        if (v.expireTime().isPresent()) { // R24
            g.writeNumberField("expire_time", v.expireTime().get().toEpochMilli());
        }
        g.writeStringField("secret_name", v.secretName());
        g.writeArrayFieldStart("version_stages");
        List<String> stages = new ArrayList<>(v.stages());
        stages.sort(null);
        for (String stage : stages) {
            g.writeString(stage);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    static byte[] version(SecretVersion version) {
        return json(g -> {
            g.writeStartObject();
            g.writeObjectFieldStart("version");
            g.writeFieldName("version_metadata");
            writeVersionMetadata(g, version.metadata());
            SecretValue value = version.value();
            if (value.isString()) {
                g.writeStringField("secret_string", value.string().orElseThrow());
            } else {
                g.writeStringField("secret_binary", Base64.getEncoder().encodeToString(value.binary().orElseThrow()));
            }
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    static byte[] stage(Stage stage) {
        return json(g -> {
            g.writeStartObject();
            g.writeObjectFieldStart("stage");
            g.writeStringField("name", stage.name());
            g.writeNumberField("update_time", stage.updateTime().toEpochMilli());
            g.writeStringField("secret_name", stage.secretName());
            g.writeStringField("version_id", stage.versionId());
            g.writeEndObject();
            g.writeEndObject();
        });
    }
}
