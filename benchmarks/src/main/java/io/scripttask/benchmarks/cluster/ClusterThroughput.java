package io.scripttask.benchmarks.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Executions per second on PostgreSQL with 1, 2 and 4 scheduler instances in one JVM, ours ({@link
 * OursThroughput}) against db-scheduler ({@link DbSchedulerThroughput}), rounds alternating (ours,
 * peer, ours, peer …) so that a change in the machine's load hits both. Every round starts from an
 * empty scratch schema, inserts {@code n} executions due now (not timed), starts the instances and
 * stops the clock when the last execution completed; then it checks that every execution ran
 * exactly once. One warm-up round per side comes first and is not reported.
 *
 * <p>System properties: {@code n} (20000), {@code rounds} (3), {@code instances} (comma list,
 * {@code 1,2,4}), {@code warmup} (executions of the warm-up round, 5000; 0 for none); ours: {@code
 * workload} ({@code jobs} or {@code fires}), {@code oursPools} ({@code shared}: one store for all
 * instances, or {@code per-instance}), {@code oursPoolSize} (default 2 + 2 per instance sharing
 * it); db-scheduler: {@code threads} (10: as fast as 20 on this machine, and 4 instances stay under
 * max_connections = 100), {@code lower} (4.0), {@code upper} (20.0), {@code pollMillis} (1000);
 * {@code sides} ({@code ours,peer}; name one to run only that side); {@code profile} ({@code true}:
 * after the timed rounds, one more round per side and instance count with every statement counted,
 * printed per execution).
 */
public final class ClusterThroughput {

  private ClusterThroughput() {}

  /**
   * Runs the comparison and prints one line per round and a summary table.
   *
   * @param args ignored; see the class comment for the system properties
   * @throws Exception if a scheduler or the database fails
   */
  public static void main(String[] args) throws Exception {
    ClusterSupport.quietLogging();
    int n = Integer.getInteger("n", 20_000);
    int rounds = Integer.getInteger("rounds", 3);
    int warmup = Integer.getInteger("warmup", 5_000);
    List<Integer> counts = new ArrayList<>();
    for (String s : System.getProperty("instances", "1,2,4").split(",")) {
      counts.add(Integer.parseInt(s.trim()));
    }
    String workload = System.getProperty("workload", "jobs");
    if (!workload.equals("jobs") && !workload.equals("fires")) {
      throw new IllegalArgumentException("workload must be jobs or fires, but was " + workload);
    }
    boolean perInstance = "per-instance".equals(System.getProperty("oursPools", "shared"));
    boolean profile = Boolean.getBoolean("profile");
    String sides = System.getProperty("sides", "ours,peer");
    boolean runOurs = sides.contains("ours");
    boolean runPeer = sides.contains("peer");
    DbSchedulerThroughput.Settings peer =
        new DbSchedulerThroughput.Settings(
            Integer.getInteger("threads", 10),
            Double.parseDouble(System.getProperty("lower", "4.0")),
            Double.parseDouble(System.getProperty("upper", "20.0")),
            Duration.ofMillis(Long.getLong("pollMillis", 1000)));
    ClusterSupport.printMachine(
        "ClusterThroughput n=" + n + " rounds=" + rounds + " instances=" + counts);
    System.out.println("# db-scheduler: " + peer.describe());
    System.out.println("# ours: " + ours(workload, perInstance, 1).describe() + " (1 instance)");

    if (warmup > 0 && runOurs) {
      report(
          "warm-up ours", 1, OursThroughput.run(warmup, 1, ours(workload, perInstance, 1), null));
    }
    if (warmup > 0 && runPeer) {
      report("warm-up db-scheduler", 1, DbSchedulerThroughput.run(warmup, 1, peer, null));
    }

    Map<Integer, List<Double>> oursRates = new LinkedHashMap<>();
    Map<Integer, List<Double>> peerRates = new LinkedHashMap<>();
    Map<Integer, List<Double>> oursCpu = new LinkedHashMap<>();
    Map<Integer, List<Double>> peerCpu = new LinkedHashMap<>();
    Map<Integer, List<Double>> oursDbCpu = new LinkedHashMap<>();
    Map<Integer, List<Double>> peerDbCpu = new LinkedHashMap<>();
    boolean allVerified = true;
    for (int k : counts) {
      for (int r = 1; r <= rounds; r++) {
        if (runOurs) {
          RoundResult o = OursThroughput.run(n, k, ours(workload, perInstance, k), null);
          report("ours", k, o);
          oursRates.computeIfAbsent(k, x -> new ArrayList<>()).add(o.rate());
          oursCpu.computeIfAbsent(k, x -> new ArrayList<>()).add(o.cpuMicrosPerExecution());
          oursDbCpu.computeIfAbsent(k, x -> new ArrayList<>()).add(o.dbCpuMicrosPerExecution());
          allVerified &= o.verified();
        }
        if (runPeer) {
          RoundResult p = DbSchedulerThroughput.run(n, k, peer, null);
          report("db-scheduler", k, p);
          peerRates.computeIfAbsent(k, x -> new ArrayList<>()).add(p.rate());
          peerCpu.computeIfAbsent(k, x -> new ArrayList<>()).add(p.cpuMicrosPerExecution());
          peerDbCpu.computeIfAbsent(k, x -> new ArrayList<>()).add(p.dbCpuMicrosPerExecution());
          allVerified &= p.verified();
        }
      }
    }

    if (rounds > 0) {
      summary(
          rounds,
          counts,
          oursRates,
          peerRates,
          oursCpu,
          peerCpu,
          oursDbCpu,
          peerDbCpu,
          allVerified);
    }

    if (profile) {
      for (int k : counts) {
        if (runOurs) {
          SqlCounter counter = new SqlCounter();
          RoundResult o = OursThroughput.run(n, k, ours(workload, perInstance, k), counter);
          report("profile ours", k, o);
          counter.print(n, "    ");
        }
        if (runPeer) {
          SqlCounter counter = new SqlCounter();
          RoundResult p = DbSchedulerThroughput.run(n, k, peer, counter);
          report("profile db-scheduler", k, p);
          counter.print(n, "    ");
        }
      }
    }
  }

  private static void summary(
      int rounds,
      List<Integer> counts,
      Map<Integer, List<Double>> oursRates,
      Map<Integer, List<Double>> peerRates,
      Map<Integer, List<Double>> oursCpu,
      Map<Integer, List<Double>> peerCpu,
      Map<Integer, List<Double>> oursDbCpu,
      Map<Integer, List<Double>> peerDbCpu,
      boolean allVerified) {
    System.out.printf(
        "# summary: executions/s, median of %d rounds (all rounds); JVM and PostgreSQL server CPU"
            + " µs per execution (medians); load %.2f%n",
        rounds, ClusterSupport.load());
    System.out.printf(
        "| instances | ours exec/s | db-scheduler exec/s | ours / db-scheduler | ours rounds"
            + " | db-scheduler rounds | JVM CPU µs/exec ours / db-scheduler"
            + " | PostgreSQL CPU µs/exec ours / db-scheduler |%n");
    System.out.printf("|---|---|---|---|---|---|---|---|%n");
    for (int k : counts) {
      List<Double> none = List.of(Double.NaN);
      double o = ClusterSupport.median(oursRates.getOrDefault(k, none));
      double p = ClusterSupport.median(peerRates.getOrDefault(k, none));
      System.out.printf(
          "| %d | %,.0f | %,.0f | %.2fx | %s | %s | %.0f / %.0f | %.0f / %.0f |%n",
          k,
          o,
          p,
          o / p,
          format(oursRates.getOrDefault(k, none)),
          format(peerRates.getOrDefault(k, none)),
          ClusterSupport.median(oursCpu.getOrDefault(k, none)),
          ClusterSupport.median(peerCpu.getOrDefault(k, none)),
          ClusterSupport.median(oursDbCpu.getOrDefault(k, none)),
          ClusterSupport.median(peerDbCpu.getOrDefault(k, none)));
    }
    System.out.println(
        allVerified
            ? "# every round: every execution ran exactly once (checked from the tables)"
            : "# WARNING: at least one round failed its exactly-once check (see the lines above)");
  }

  private static OursThroughput.Settings ours(String workload, boolean perInstance, int k) {
    int size = Integer.getInteger("oursPoolSize", perInstance ? 4 : 2 + 2 * k);
    return new OursThroughput.Settings(workload, perInstance, size);
  }

  private static void report(String side, int instances, RoundResult r) {
    System.out.printf(
        "%-22s instances=%d n=%d %9.1f ms %,9.0f exec/s %7.1f us cpu/exec %7.1f us db cpu/exec"
            + "  %s: %s (load %.2f)%n",
        side,
        instances,
        r.executions(),
        r.nanos() / 1e6,
        r.rate(),
        r.cpuMicrosPerExecution(),
        r.dbCpuMicrosPerExecution(),
        r.verified() ? "OK" : "CHECK FAILED",
        r.check(),
        ClusterSupport.load());
  }

  private static String format(List<Double> values) {
    StringBuilder sb = new StringBuilder();
    for (double v : values) {
      sb.append(sb.length() > 0 ? " · " : "").append(String.format("%,.0f", v));
    }
    return sb.toString();
  }
}
