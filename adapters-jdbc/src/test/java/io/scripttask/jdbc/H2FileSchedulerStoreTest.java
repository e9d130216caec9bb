package io.scripttask.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;

/** The scheduler store contract on an H2 database in a file (the embedded default). */
class H2FileSchedulerStoreTest extends JdbcSchedulerStoreContractTest {

  private Path dir;

  @Override
  protected JdbcStore open(String prefix) {
    try {
      dir = Files.createTempDirectory("scripttask-h2-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return JdbcStore.h2(dir.resolve("db"));
  }

  @Override
  protected Dialect expectedDialect() {
    return Dialect.H2;
  }

  /** Closes the store, then deletes its files. */
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
