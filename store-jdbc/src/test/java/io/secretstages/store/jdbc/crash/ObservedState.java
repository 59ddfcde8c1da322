package io.secretstages.store.jdbc.crash;

import io.secretstages.ErrorCode;
import io.secretstages.SecretState;
import io.secretstages.Stage;
import io.secretstages.StageException;
import io.secretstages.StageManager;
import io.secretstages.VersionMetadata;

import java.util.Map;
import java.util.TreeMap;

/** The workload's secrets as a store holds them, read back through the public API after a crash. */
final class ObservedState {
    final Map<String, CrashModel.Secret> secrets = new TreeMap<>();

    static ObservedState read(StageManager m) {
        ObservedState o = new ObservedState();
        for (int i = 0; i < CrashWorkload.SECRETS; i++) {
            String name = "s" + i;
            CrashModel.Secret s = new CrashModel.Secret();
            try {
                s.pending = m.getSecret(CrashWorkload.PROJECT, name).state() == SecretState.PENDING_DELETION;
                for (VersionMetadata v : m.listVersions(CrashWorkload.PROJECT, name, true)) {
                    long number = Long.parseLong(v.id().substring(1));
                    String value = s.pending ? "" : m.getVersion(CrashWorkload.PROJECT, name, v.id()).value()
                            .string().orElseThrow();
                    s.versions.put(number, new CrashModel.Version(value, ""));
                    s.last = Math.max(s.last, number);
                }
                for (Stage st : m.listStages(CrashWorkload.PROJECT, name)) {
                    s.stages.put(st.name(), Long.parseLong(st.versionId().substring(1)));
                }
            } catch (StageException e) {
                if (e.code() == ErrorCode.SECRET_NOT_FOUND) {
                    continue;
                }
                throw e;
            }
            o.secrets.put(name, s);
        }
        return o;
    }

    /** @return the state in {@link CrashModel#render()}'s form */
    Map<String, String> render() {
        CrashModel m = new CrashModel(Integer.MAX_VALUE);
        m.secrets.putAll(secrets);
        return m.render();
    }
}
