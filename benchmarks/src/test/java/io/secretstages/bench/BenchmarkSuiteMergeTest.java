package io.secretstages.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.strings;

/** The suite rewrites only its own part of RESULTS.md: what was written there by hand survives every run. */
class BenchmarkSuiteMergeTest {
    private static final String NL = "\n";

    private static String block(String report) {
        return BenchmarkSuite.BEGIN + NL + report + BenchmarkSuite.END + NL;
    }

    @Test
    void aRunReplacesOnlyTheLastRunsReportAndKeepsWhatIsAroundIt() {
        qt().forAll(strings().basicLatinAlphabet().ofLengthBetween(0, 200),
                        strings().basicLatinAlphabet().ofLengthBetween(0, 200),
                        strings().basicLatinAlphabet().ofLengthBetween(1, 200))
                .checkAssert((before, after, oldReport) -> {
                    String file = before + NL + block(oldReport + NL) + NL + after;
                    String merged = BenchmarkSuite.merge(file, "new report" + NL);
                    assertEquals(before + NL + block("new report" + NL) + NL + after, merged);
                    assertEquals(merged, BenchmarkSuite.merge(merged, "new report" + NL), "a second run of the same");
                });
    }

    @Test
    void theReportOfTheCheckedInFileIsReplacedAndEverySectionWrittenByHandIsKept() throws IOException {
        String results = Files.readString(Path.of("RESULTS.md"), StandardCharsets.UTF_8);
        int begin = results.indexOf(BenchmarkSuite.BEGIN);
        int end = results.indexOf(BenchmarkSuite.END);
        assertTrue(begin > 0 && end > begin, "RESULTS.md carries the suite's two marker lines, in order");

        String merged = BenchmarkSuite.merge(results, "## The suite's last run" + NL + NL + "rows" + NL);

        assertEquals(results.substring(0, begin), merged.substring(0, begin), "everything before the suite's part");
        assertTrue(merged.endsWith(results.substring(end + BenchmarkSuite.END.length() + 1)),
                "everything after the suite's part");
        assertTrue(merged.contains(block("## The suite's last run" + NL + NL + "rows" + NL)));
        assertTrue(merged.contains("## Encryption at rest") && merged.contains("## The CSMS server over HTTP"));
    }

    @Test
    void aFileWithoutTheMarkerLinesIsKeptWholeAfterTheReport() {
        String handWritten = "# Notes" + NL + NL + "kept" + NL;
        assertEquals(block("report" + NL) + NL + handWritten, BenchmarkSuite.merge(handWritten, "report" + NL));
        String onlyTheEndLine = "x" + NL + BenchmarkSuite.END + NL + "y" + NL;
        assertEquals(block("report" + NL) + NL + onlyTheEndLine, BenchmarkSuite.merge(onlyTheEndLine, "report"));
    }

    @Test
    void aNewFileHoldsATitleAndTheReport() {
        assertEquals("# Benchmark results" + NL + NL + block("report" + NL), BenchmarkSuite.merge(null, "report"));
    }
}
