package io.secretstages.store.etcd;

import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretRecord;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageRecord;
import io.secretstages.spi.VersionRecord;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The binary form of a secret's metadata document (the value of its {@code s/} key). Neither key nor revision is
 * in it: the key is the etcd key, the revision the key's {@code mod_revision}. Layout, big-endian:
 * <pre>
 * byte   format (1)
 * time   createTime                       time = long epochSecond, int nano
 * bool   deletion scheduled, then time    (R8)
 * long   lastVersionNumber                (R4)
 * UTF    description                      (R23, "" for none)
 * int    n, then n versions:  long number, time createTime, bool has token, then UTF token,
 *                             bool has expiry, then time expireTime (R24)
 * int    m, then m stages:    UTF name, long versionNumber, time updateTime
 * </pre>
 * The header up to the description is all that listing secrets reads. A full document (20 versions with
 * 64-character tokens and expiry times, 12 stages of 64-character names, a 2,048-byte description) is under 6 KiB.
 */
final class SnapshotCodec {
    private static final byte FORMAT = 1;

    private SnapshotCodec() {
    }

    static byte[] encode(SecretSnapshot s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 32 * s.versions().size() + 48 * s.stages().size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            writeTime(out, s.createTime());
            out.writeBoolean(s.deletionTime() != null);
            if (s.deletionTime() != null) {
                writeTime(out, s.deletionTime());
            }
            out.writeLong(s.lastVersionNumber());
            out.writeUTF(s.description());
            out.writeInt(s.versions().size());
            for (VersionRecord v : s.versions()) {
                out.writeLong(v.number());
                writeTime(out, v.createTime());
                out.writeBoolean(v.clientToken() != null);
                if (v.clientToken() != null) {
                    out.writeUTF(v.clientToken());
                }
                out.writeBoolean(v.expireTime() != null);
                if (v.expireTime() != null) {
                    writeTime(out, v.expireTime());
                }
            }
            out.writeInt(s.stages().size());
            for (StageRecord st : s.stages().values()) {
                out.writeUTF(st.name());
                out.writeLong(st.versionNumber());
                writeTime(out, st.updateTime());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    static SecretSnapshot decode(SecretKey key, long revision, byte[] document) {
        try (DataInputStream in = open(document)) {
            Instant createTime = readTime(in);
            Instant deletionTime = in.readBoolean() ? readTime(in) : null;
            long last = in.readLong();
            String description = in.readUTF();
            int n = in.readInt();
            List<VersionRecord> versions = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long number = in.readLong();
                Instant created = readTime(in);
                String token = in.readBoolean() ? in.readUTF() : null;
                Instant expires = in.readBoolean() ? readTime(in) : null;
                versions.add(new VersionRecord(number, created, token, expires));
            }
            int m = in.readInt();
            Map<String, StageRecord> stages = new HashMap<>(m * 2);
            for (int i = 0; i < m; i++) {
                String name = in.readUTF();
                stages.put(name, new StageRecord(name, in.readLong(), readTime(in)));
            }
            return new SecretSnapshot(key, revision, last, versions, stages, createTime, deletionTime, description);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable metadata document of " + key, e);
        }
    }

    static SecretRecord decodeRecord(SecretKey key, long revision, byte[] document) {
        try (DataInputStream in = open(document)) {
            Instant createTime = readTime(in);
            Instant deletionTime = in.readBoolean() ? readTime(in) : null;
            in.readLong(); // lastVersionNumber
            return new SecretRecord(key, revision, createTime, deletionTime, in.readUTF());
        } catch (IOException e) {
            throw new IllegalStateException("unreadable metadata document of " + key, e);
        }
    }

    private static DataInputStream open(byte[] document) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(document));
        byte format = in.readByte();
        if (format != FORMAT) {
            throw new IOException("unknown metadata format " + format);
        }
        return in;
    }

    private static void writeTime(DataOutputStream out, Instant t) throws IOException {
        out.writeLong(t.getEpochSecond());
        out.writeInt(t.getNano());
    }

    private static Instant readTime(DataInputStream in) throws IOException {
        return Instant.ofEpochSecond(in.readLong(), in.readInt());
    }
}
