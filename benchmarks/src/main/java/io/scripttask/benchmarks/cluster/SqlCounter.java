package io.scripttask.benchmarks.cluster;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;

/**
 * Counts what a {@link DataSource}'s users send to the database: statements executed (by SQL text),
 * commits, rollbacks and connections borrowed. Wraps the data source, its connections and their
 * statements in {@link Proxy dynamic proxies}; everything else passes through unchanged.
 * Thread-safe. Used by the {@code profile} mode of {@link ClusterThroughput}, not in the timed
 * rounds.
 */
final class SqlCounter {

  private final Map<String, LongAdder> statements = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> nanos = new ConcurrentHashMap<>();
  private final LongAdder commits = new LongAdder();
  private final LongAdder rollbacks = new LongAdder();
  private final LongAdder borrows = new LongAdder();

  /**
   * @param target the data source to count
   * @return a data source that counts and delegates to {@code target}
   */
  DataSource wrap(DataSource target) {
    return proxy(
        DataSource.class,
        target,
        (m, args, result, elapsed) -> {
          if (m.getName().equals("getConnection")) {
            borrows.increment();
            time("(borrow a connection)", elapsed);
            return proxy(Connection.class, result, this::onConnection);
          }
          return result;
        });
  }

  private Object onConnection(Method m, Object[] args, Object result, long elapsed) {
    switch (m.getName()) {
      case "commit" -> {
        commits.increment();
        time("(commit)", elapsed);
      }
      case "rollback" -> {
        if (args == null || args.length == 0) {
          rollbacks.increment();
          time("(rollback)", elapsed);
        }
      }
      case "close" -> time("(return the connection)", elapsed);
      case "prepareStatement", "prepareCall" -> {
        String sql = (String) args[0];
        return proxy(
            PreparedStatement.class,
            result,
            (sm, sargs, sresult, selapsed) -> {
              if (sm.getName().startsWith("execute")) {
                count(sql, sm.getName().equals("executeBatch") ? "batch" : null, selapsed);
              }
              return sresult;
            });
      }
      case "createStatement" -> {
        return proxy(
            Statement.class,
            result,
            (sm, sargs, sresult, selapsed) -> {
              if (sm.getName().startsWith("execute") && sargs != null && sargs.length > 0) {
                count(String.valueOf(sargs[0]), null, selapsed);
              }
              return sresult;
            });
      }
      default -> {}
    }
    return result;
  }

  private void count(String sql, String tag, long elapsed) {
    String key = normalize(sql) + (tag == null ? "" : " [" + tag + "]");
    statements.computeIfAbsent(key, k -> new LongAdder()).increment();
    time(key, elapsed);
  }

  private void time(String key, long elapsed) {
    nanos.computeIfAbsent(key, k -> new LongAdder()).add(elapsed);
  }

  /** One line, whitespace collapsed, cut to 110 characters. */
  private static String normalize(String sql) {
    String s = sql.replaceAll("\\s+", " ").trim();
    return s.length() > 110 ? s.substring(0, 107) + "..." : s;
  }

  /** Forgets everything counted so far. */
  void reset() {
    statements.clear();
    nanos.clear();
    commits.reset();
    rollbacks.reset();
    borrows.reset();
  }

  /**
   * @return statements executed so far
   */
  long statementCount() {
    long n = 0;
    for (LongAdder a : statements.values()) {
      n += a.sum();
    }
    return n;
  }

  /**
   * @return commits so far
   */
  long commitCount() {
    return commits.sum();
  }

  /**
   * Prints the totals per execution and the statements, most frequent first.
   *
   * @param executions how many executions the counts cover
   * @param indent a prefix for every line
   */
  void print(long executions, String indent) {
    long total = statementCount();
    System.out.printf(
        "%sper execution: %.2f statements, %.2f commits, %.2f rollbacks, %.2f connection borrows"
            + " (totals %,d / %,d / %,d / %,d over %,d executions)%n",
        indent,
        total / (double) executions,
        commits.sum() / (double) executions,
        rollbacks.sum() / (double) executions,
        borrows.sum() / (double) executions,
        total,
        commits.sum(),
        rollbacks.sum(),
        borrows.sum(),
        executions);
    long totalNanos = 0;
    for (LongAdder a : nanos.values()) {
      totalNanos += a.sum();
    }
    System.out.printf(
        "%stime inside JDBC calls (all threads, summed): %.0f us per execution%n",
        indent, totalNanos / 1e3 / executions);
    List<Map.Entry<String, LongAdder>> sorted = new ArrayList<>(nanos.entrySet());
    sorted.sort((a, b) -> Long.compare(b.getValue().sum(), a.getValue().sum()));
    System.out.printf("%s  %8s %8s %10s  %s%n", indent, "n/exec", "us/exec", "us/call", "what");
    for (Map.Entry<String, LongAdder> e : sorted) {
      LongAdder calls = statements.get(e.getKey());
      long n =
          calls != null
              ? calls.sum()
              : switch (e.getKey()) {
                case "(commit)" -> commits.sum();
                case "(rollback)" -> rollbacks.sum();
                default -> borrows.sum();
              };
      long t = e.getValue().sum();
      System.out.printf(
          "%s  %8.3f %8.1f %10.1f  %s%n",
          indent,
          n / (double) executions,
          t / 1e3 / executions,
          n == 0 ? 0 : t / 1e3 / n,
          e.getKey());
    }
  }

  /** What a proxy does after the delegate returned. */
  @FunctionalInterface
  private interface After {
    Object apply(Method method, Object[] args, Object result, long elapsedNanos) throws Exception;
  }

  private static <T> T proxy(Class<T> type, Object target, After after) {
    InvocationHandler h =
        (p, m, args) -> {
          Object result;
          long t0 = System.nanoTime();
          try {
            result = m.invoke(target, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          long elapsed = System.nanoTime() - t0;
          if (m.getName().equals("unwrap") || m.getName().equals("isWrapperFor")) {
            return result;
          }
          return after.apply(m, args, result, elapsed);
        };
    return type.cast(
        Proxy.newProxyInstance(SqlCounter.class.getClassLoader(), new Class<?>[] {type}, h));
  }
}
