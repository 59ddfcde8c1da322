package io.secretstages.junit;

import io.secretstages.SecretValue;
import io.secretstages.StageManager;
import io.secretstages.store.memory.InMemoryStageRepository;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

import java.lang.reflect.AnnotatedElement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The extension behind {@link SecretStagesTest}: resolves {@link StageManager}, {@link TestClock},
 * {@link InMemoryStageRepository} and {@link CsmsEndpoint} parameters, one fresh set per test, seeded with the
 * {@link Secret}s of the class and the method. A {@link CsmsEndpoint} starts a CSMS server over that manager.
 */
public final class SecretStagesExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SecretStagesExtension.class);

    /** Everything one test gets. */
    private record Fake(InMemoryStageRepository store, TestClock clock, StageManager manager, Set<String> projects) {
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
        Class<?> type = p.getParameter().getType();
        return type == StageManager.class || type == TestClock.class || type == InMemoryStageRepository.class
                || type == CsmsEndpoint.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext c) {
        Fake fake = fake(c);
        Class<?> type = p.getParameter().getType();
        if (type == StageManager.class) {
            return fake.manager;
        }
        if (type == TestClock.class) {
            return fake.clock;
        }
        if (type == InMemoryStageRepository.class) {
            return fake.store;
        }
        if (type == CsmsEndpoint.class) {
            return server(c, fake).endpoint();
        }
        throw new ParameterResolutionException("cannot resolve " + type);
    }

    /** The test's CSMS server, started on first use; JUnit closes it with the context's store. */
    private static CsmsFake server(ExtensionContext c, Fake fake) {
        try {
            Class.forName("io.secretstages.server.CsmsServer", false, SecretStagesExtension.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new ParameterResolutionException(
                    "a CsmsEndpoint needs io.secretstages:secret-stages-server on the test class path");
        }
        return c.getStore(NS).getOrComputeIfAbsent(CsmsFake.class, k -> new CsmsFake(fake.manager, fake.projects),
                CsmsFake.class);
    }

    /** One fake per test method (or per class context, for constructor and @BeforeAll parameters). */
    private Fake fake(ExtensionContext c) {
        return c.getStore(NS).getOrComputeIfAbsent(Fake.class, k -> create(c), Fake.class);
    }

    private static Fake create(ExtensionContext c) {
        SecretStagesTest settings = find(c, SecretStagesTest.class)
                .orElseThrow(() -> new ParameterResolutionException("annotate the test with @SecretStagesTest"));
        TestClock clock = new TestClock(Instant.parse(settings.start()));
        InMemoryStageRepository store = new InMemoryStageRepository();
        StageManager manager = StageManager.builder().repository(store).clock(clock)
                .maxStages(settings.maxStages()).maxVersions(settings.maxVersions()).build();
        List<Secret> seeds = new ArrayList<>();
        Set<String> projects = new TreeSet<>(Set.of("test"));
        c.getTestClass().ifPresent(t -> seeds.addAll(AnnotationSupport.findRepeatableAnnotations(t, Secret.class)));
        c.getTestMethod().ifPresent(m -> seeds.addAll(AnnotationSupport.findRepeatableAnnotations(m, Secret.class)));
        for (Secret s : seeds) {
            projects.add(s.project());
            manager.createSecret(s.project(), s.name(), SecretValue.ofString(s.value()));
            for (String v : s.rotations()) {
                manager.putVersion(s.project(), s.name(), SecretValue.ofString(v));
            }
        }
        return new Fake(store, clock, manager, projects);
    }

    private static <A extends java.lang.annotation.Annotation> Optional<A> find(ExtensionContext c, Class<A> type) {
        Optional<AnnotatedElement> method = c.getTestMethod().map(m -> m);
        Optional<A> onMethod = method.flatMap(m -> AnnotationSupport.findAnnotation(m, type));
        if (onMethod.isPresent()) {
            return onMethod;
        }
        return c.getTestClass().flatMap(t -> AnnotationSupport.findAnnotation(t, type));
    }
}
