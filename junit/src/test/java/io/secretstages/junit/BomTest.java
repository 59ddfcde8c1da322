package io.secretstages.junit;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The BOM lists exactly the published artifacts: every jar module of the build except the demo and benchmarks. */
class BomTest {
    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
    private static final Pattern ARTIFACT = Pattern.compile("<artifactId>(secret-stages-[^<]+)</artifactId>");

    @Test
    void bomListsEveryPublishedArtifact() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Set<String> published = new TreeSet<>();
        Matcher modules = MODULE.matcher(Files.readString(root.resolve("pom.xml")));
        while (modules.find()) {
            String module = modules.group(1);
            if (Set.of("demo", "benchmarks", "bom").contains(module)) {
                continue;
            }
            String pom = Files.readString(root.resolve(module).resolve("pom.xml"));
            Matcher m = ARTIFACT.matcher(pom.substring(pom.indexOf("</parent>")));
            m.find();
            published.add(m.group(1));
        }
        List<String> inBom = new ArrayList<>();
        Matcher m = ARTIFACT.matcher(Files.readString(root.resolve("bom/pom.xml")));
        while (m.find()) {
            inBom.add(m.group(1));
        }
        inBom.remove("secret-stages-bom");
        assertEquals(published, new TreeSet<>(inBom));
    }
}
