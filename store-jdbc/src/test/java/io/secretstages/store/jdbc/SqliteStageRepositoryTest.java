package io.secretstages.store.jdbc;

import io.secretstages.spi.StageRepository;
import io.secretstages.tck.StageRepositoryContract;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The whole contract kit on an SQLite file (WAL, synchronous=FULL), with a second repository over its own pool
 * (another node). The file is on tmpfs ({@code /dev/shm}) where there is one, since an fsync per commit on a busy disk
 * made this run 5 minutes long; what a crash keeps is the crash harness's question ({@code SqliteCrashTest}).
 */
class SqliteStageRepositoryTest extends StageRepositoryContract {
    private static final Path FILE = file();
    private static final DataSource DB = TestDatabases.sqlite(FILE, 8);
    private static final DataSource OTHER_POOL = TestDatabases.sqlite(FILE, 4);

    static {
        JdbcStageRepository.builder(DB).initializeSchema(true).build();
    }

    private static Path file() {
        try {
            Path shm = Path.of("/dev/shm");
            Path dir = Files.isDirectory(shm) && Files.isWritable(shm)
                    ? Files.createTempDirectory(shm, "sqlite-contract") : Files.createTempDirectory("sqlite-contract");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (var files = Files.list(dir)) {
                    files.forEach(f -> f.toFile().delete());
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
                dir.toFile().delete();
            }));
            return dir.resolve("stages.db");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected StageRepository newRepository() {
        return JdbcStageRepository.builder(DB).build();
    }

    @Override
    protected StageRepository anotherRepositoryOverSameStorage(StageRepository first) {
        return JdbcStageRepository.builder(OTHER_POOL).build();
    }
}
