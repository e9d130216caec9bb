package io.scripttask.benchmarks;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.scripttask.scheduler.Cron;
import java.text.ParseException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Date;
import java.util.Optional;
import java.util.TimeZone;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of one "next fire time strictly after t" computation, ScriptTask's {@link Cron} side by side
 * with Spring, Quartz, cron-utils and JobRunr.
 *
 * <p>Every implementation gets the same {@link StartInstants} for the zone, each converted once in
 * {@link #setUp()} to the type its API takes ({@link ZonedDateTime}, {@link Instant} or {@link
 * Date}), so the conversion is not measured. Each invocation takes the next start from the array
 * (the index wraps after {@link StartInstants#COUNT}), so the JIT cannot fold a constant input. The
 * result is returned, so JMH sinks it into a blackhole.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CronNextFireBenchmark {

  /** The case, by its 6-field Spring form; see {@link CronCase} for every peer's form. */
  @Param({"0 */5 * * * *", "0 0 9-17 * * MON-FRI", "0 0 0 L * *", "0 30 2 * * *"})
  public String expression;

  /** The zone the schedule is evaluated in. */
  @Param({"Europe/Berlin", "America/New_York"})
  public String zone;

  private static final int MASK = StartInstants.COUNT - 1;

  private ZoneId zoneId;
  private Instant[] instants;
  private ZonedDateTime[] zoned;
  private Date[] dates;
  private int index;

  private Cron ours;
  private org.springframework.scheduling.support.CronExpression spring;
  private org.quartz.CronExpression quartz;
  private ExecutionTime cronUtils;
  private org.jobrunr.scheduling.cron.CronExpression jobRunr;
  private Instant jobRunrCreatedAt;

  /**
   * Parses the case with every implementation and precomputes the start instants in every input
   * type.
   *
   * @throws ParseException if Quartz rejects its form of the case
   */
  @Setup(Level.Trial)
  public void setUp() throws ParseException {
    CronCase c = CronCase.bySpringForm(expression);
    zoneId = ZoneId.of(zone);
    instants = StartInstants.forZone(zoneId);
    zoned = new ZonedDateTime[instants.length];
    dates = new Date[instants.length];
    for (int i = 0; i < instants.length; i++) {
      zoned[i] = instants[i].atZone(zoneId);
      dates[i] = Date.from(instants[i]);
    }

    ours = Cron.parse(c.spring());
    spring = org.springframework.scheduling.support.CronExpression.parse(c.spring());
    quartz = new org.quartz.CronExpression(c.quartz());
    quartz.setTimeZone(TimeZone.getTimeZone(zoneId));
    cronUtils =
        ExecutionTime.forCron(
            new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING53))
                .parse(c.cronUtils()));
    jobRunr = new org.jobrunr.scheduling.cron.CronExpression(c.jobRunr());
    // JobRunr's cron ignores the creation instant; any fixed instant before the starts will do.
    jobRunrCreatedAt = instants[0].minusSeconds(86_400L * 366);
    index = 0;
  }

  /** Makes the next invocation use the first start instant again (for tests). */
  void rewind() {
    index = 0;
  }

  /**
   * Returns the start instant at {@code i} (for tests).
   *
   * @param i an index in {@code [0, StartInstants.COUNT)}
   */
  Instant start(int i) {
    return instants[i];
  }

  private int nextIndex() {
    int i = index;
    index = (i + 1) & MASK;
    return i;
  }

  /**
   * ScriptTask, the {@link ZonedDateTime} API.
   *
   * @return the next fire time
   */
  @Benchmark
  public Optional<ZonedDateTime> oursZoned() {
    return ours.next(zoned[nextIndex()]);
  }

  /**
   * ScriptTask, the {@link Instant} fast path.
   *
   * @return the next fire instant
   */
  @Benchmark
  public Optional<Instant> oursInstant() {
    return ours.next(instants[nextIndex()], zoneId);
  }

  /**
   * Reference, not a cron implementation: the JDK's cost of turning an instant into a {@link
   * ZonedDateTime} in the zone, which every API that returns a {@code ZonedDateTime} pays once per
   * result. The difference between {@link #oursZoned()} and {@link #oursInstant()} is mostly this.
   *
   * @return the start instant as a zoned date-time
   */
  @Benchmark
  public ZonedDateTime jdkZonedDateTimeOfInstant() {
    return ZonedDateTime.ofInstant(instants[nextIndex()], zoneId);
  }

  /**
   * Spring {@code CronExpression.next(ZonedDateTime)}.
   *
   * @return the next fire time, or null if none
   */
  @Benchmark
  public ZonedDateTime spring() {
    return spring.next(zoned[nextIndex()]);
  }

  /**
   * Quartz {@code CronExpression.getNextValidTimeAfter(Date)}, time zone set once in setup.
   *
   * @return the next fire time, or null if none
   */
  @Benchmark
  public Date quartz() {
    return quartz.getNextValidTimeAfter(dates[nextIndex()]);
  }

  /**
   * cron-utils {@code ExecutionTime.nextExecution(ZonedDateTime)} (SPRING53 definition).
   *
   * @return the next fire time
   */
  @Benchmark
  public Optional<ZonedDateTime> cronUtils() {
    return cronUtils.nextExecution(zoned[nextIndex()]);
  }

  /**
   * JobRunr {@code CronExpression.next(Instant createdAt, Instant currentInstant, ZoneId)}.
   *
   * @return the next fire instant
   */
  @Benchmark
  public Instant jobRunr() {
    return jobRunr.next(jobRunrCreatedAt, instants[nextIndex()], zoneId);
  }
}
