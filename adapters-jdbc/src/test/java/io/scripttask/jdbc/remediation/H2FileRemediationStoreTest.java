package io.scripttask.jdbc.remediation;

import io.scripttask.jdbc.Dialect;
import io.scripttask.jdbc.JdbcStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterAll;

/**
 * The remediation store contract on an H2 database in a file (the embedded default), opened with
 * the options of {@link JdbcStore#h2(Path)}.
 */
class H2FileRemediationStoreTest extends JdbcRemediationStoreContractTest {

  private Path dir;

  @Override
  protected JdbcStore open(String prefix) {
    try {
      dir = Files.createTempDirectory("scripttask-h2-rem-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    JdbcConnectionPool pool =
        JdbcConnectionPool.create(
            "jdbc:h2:file:"
                + dir.resolve("db").toAbsolutePath()
                + ";LOCK_TIMEOUT="
                + JdbcStore.H2_LOCK_TIMEOUT_MILLIS
                + ";WRITE_DELAY=0",
            "sa",
            "");
    pool.setMaxConnections(32);
    ownPool(pool);
    return JdbcStore.builder(pool).tablePrefix(prefix).build();
  }

  @Override
  protected Dialect expectedDialect() {
    return Dialect.H2;
  }

  /** Drops the tables and closes the database, then deletes its files. */
  @AfterAll
  @Override
  protected void dropStore() {
    super.dropStore();
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
