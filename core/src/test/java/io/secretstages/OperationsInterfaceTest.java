package io.secretstages;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link StageOperations} is where each call of {@link StageManager} is documented, and {@link SecretReader} is the
 * read side handed to code that must not change a secret: no call of the manager may be missing from the one, and no
 * call that changes a secret may be on the other.
 */
class OperationsInterfaceTest {
    /** Public instance methods of the manager that are about its own set-up, not calls on secrets. */
    private static final Set<String> MANAGER_ONLY = Set.of("cacheStatistics()");

    @Test
    void everyPublicCallOfTheManagerIsAnOperation() {
        Set<String> manager = signatures(StageManager.class.getDeclaredMethods(), true);
        manager.removeAll(MANAGER_ONLY);
        assertEquals(manager, signatures(StageOperations.class.getMethods(), false));
    }

    @Test
    void theReaderOnlyReads() {
        Set<String> reads = signatures(SecretReader.class.getMethods(), false);
        assertEquals(new TreeSet<>(Set.of("getSecret(String,String)", "getStage(String,String,String)",
                "getVersion(String,String,String)", "getVersionByStage(String,String,String)",
                "listSecrets(String)", "listSecrets(String,String,int)", "listStages(String,String)",
                "listVersions(String,String)", "listVersions(String,String,boolean)", "maxStages()",
                "maxVersions()")), reads);
        assertTrue(SecretReader.class.isAssignableFrom(StageManager.class));
    }

    private static Set<String> signatures(Method[] methods, boolean publicInstanceOnly) {
        Set<String> out = new TreeSet<>();
        for (Method m : methods) {
            int mod = m.getModifiers();
            if (m.isSynthetic() || (publicInstanceOnly && (!Modifier.isPublic(mod) || Modifier.isStatic(mod)))) {
                continue;
            }
            out.add(m.getName() + "(" + String.join(",", Arrays.stream(m.getParameterTypes())
                    .map(Class::getSimpleName).toList()) + ")");
        }
        return out;
    }
}
