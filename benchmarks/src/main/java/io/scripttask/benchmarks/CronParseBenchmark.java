package io.scripttask.benchmarks;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.scripttask.scheduler.Cron;
import java.text.ParseException;
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
 * Cost of turning an expression string into an object that can compute fire times, ScriptTask's
 * {@link Cron} side by side with Spring, Quartz, cron-utils and JobRunr.
 *
 * <p>The expression strings are fields of the state, so the JIT cannot treat them as constants. For
 * cron-utils the reusable {@link CronParser} (which holds the SPRING53 definition) is built once in
 * setup, and the measured work is {@code parse} plus {@code ExecutionTime.forCron}, because only
 * the {@link ExecutionTime} can compute fire times; every other implementation returns a
 * ready-to-use object from one call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CronParseBenchmark {

  /** The case, by its 6-field Spring form; see {@link CronCase} for every peer's form. */
  @Param({"0 */5 * * * *", "0 0 9-17 * * MON-FRI", "0 0 0 L * *", "0 30 2 * * *"})
  public String expression;

  private String springForm;
  private String quartzForm;
  private String cronUtilsForm;
  private String jobRunrForm;
  private CronParser cronUtilsParser;

  /** Looks up every peer's form of the case and builds the cron-utils parser. */
  @Setup(Level.Trial)
  public void setUp() {
    CronCase c = CronCase.bySpringForm(expression);
    springForm = c.spring();
    quartzForm = c.quartz();
    cronUtilsForm = c.cronUtils();
    jobRunrForm = c.jobRunr();
    cronUtilsParser =
        new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING53));
  }

  /**
   * ScriptTask {@code Cron.parse(String)}.
   *
   * @return the parsed expression
   */
  @Benchmark
  public Cron ours() {
    return Cron.parse(springForm);
  }

  /**
   * Spring {@code CronExpression.parse(String)}.
   *
   * @return the parsed expression
   */
  @Benchmark
  public org.springframework.scheduling.support.CronExpression spring() {
    return org.springframework.scheduling.support.CronExpression.parse(springForm);
  }

  /**
   * Quartz {@code new CronExpression(String)}.
   *
   * @return the parsed expression
   * @throws ParseException never for the benchmark's cases
   */
  @Benchmark
  public org.quartz.CronExpression quartz() throws ParseException {
    return new org.quartz.CronExpression(quartzForm);
  }

  /**
   * cron-utils {@code CronParser.parse(String)} then {@code ExecutionTime.forCron(Cron)}.
   *
   * @return the execution-time calculator
   */
  @Benchmark
  public ExecutionTime cronUtils() {
    return ExecutionTime.forCron(cronUtilsParser.parse(cronUtilsForm));
  }

  /**
   * JobRunr {@code new CronExpression(String)}.
   *
   * @return the parsed expression
   */
  @Benchmark
  public org.jobrunr.scheduling.cron.CronExpression jobRunr() {
    return new org.jobrunr.scheduling.cron.CronExpression(jobRunrForm);
  }
}
