package io.scripttask.benchmarks;

import java.util.Objects;

/**
 * The cron expressions the benchmarks measure, each written in every implementation's own dialect.
 *
 * <p>The key of a case is its 6-field Spring form (second minute hour day-of-month month
 * day-of-week), which is also what {@link io.scripttask.scheduler.Cron#parse(String)} is given. The
 * peers' forms mean the same schedule: Quartz needs {@code ?} in one of the two day fields,
 * cron-utils is given the Spring form under its {@code SPRING53} definition (the Spring 5.3+
 * syntax, the only Spring definition of cron-utils 9.2.1 that accepts {@code L}), and JobRunr's
 * {@code CronExpression} takes the 6-field Spring form as is (it accepts {@code L} in day-of-month
 * but rejects {@code ?}). With the versions pinned in the parent POM every peer accepts every case,
 * so no benchmark cell is "n/a"; {@code PeersAgreeTest} proves that each form computes the same
 * fire times as ScriptTask's.
 */
public enum CronCase {
  /** Every five minutes: a step in the minute field, wildcard hour (elapsed-time DST rule). */
  EVERY_FIVE_MINUTES("0 */5 * * * *", "0 */5 * * * ?", "0 */5 * * * *", "0 */5 * * * *"),
  /** Hourly during office hours on weekdays: ranges in hour and day-of-week. */
  OFFICE_HOURS(
      "0 0 9-17 * * MON-FRI",
      "0 0 9-17 ? * MON-FRI",
      "0 0 9-17 * * MON-FRI",
      "0 0 9-17 * * MON-FRI"),
  /** Midnight on the last day of every month: the {@code L} extension. */
  LAST_DAY_OF_MONTH("0 0 0 L * *", "0 0 0 L * ?", "0 0 0 L * *", "0 0 0 L * *"),
  /** 02:30 every day: a fixed local time that falls into the spring-forward gap once a year. */
  DAILY_0230("0 30 2 * * *", "0 30 2 * * ?", "0 30 2 * * *", "0 30 2 * * *");

  private final String spring;
  private final String quartz;
  private final String cronUtils;
  private final String jobRunr;

  CronCase(String spring, String quartz, String cronUtils, String jobRunr) {
    this.spring = spring;
    this.quartz = quartz;
    this.cronUtils = cronUtils;
    this.jobRunr = jobRunr;
  }

  /**
   * Returns the case whose Spring form is {@code expression}.
   *
   * @param expression a 6-field Spring form of one of the cases
   * @return the case
   * @throws NullPointerException if {@code expression} is null
   * @throws IllegalArgumentException if no case has that Spring form
   */
  public static CronCase bySpringForm(String expression) {
    Objects.requireNonNull(expression, "expression");
    for (CronCase c : values()) {
      if (c.spring.equals(expression)) {
        return c;
      }
    }
    throw new IllegalArgumentException(
        "expression must be the Spring form of a CronCase, but was " + expression);
  }

  /**
   * Returns the expression given to ScriptTask's {@code Cron.parse} and to Spring's {@code
   * CronExpression.parse}.
   *
   * @return the 6-field Spring form
   */
  public String spring() {
    return spring;
  }

  /**
   * Returns the expression given to Quartz's {@code CronExpression}.
   *
   * @return the Quartz form
   */
  public String quartz() {
    return quartz;
  }

  /**
   * Returns the expression given to cron-utils under its {@code SPRING53} definition.
   *
   * @return the cron-utils form
   */
  public String cronUtils() {
    return cronUtils;
  }

  /**
   * Returns the expression given to JobRunr's {@code CronExpression}.
   *
   * @return the JobRunr form
   */
  public String jobRunr() {
    return jobRunr;
  }
}
