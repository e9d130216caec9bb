package io.scripttask.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Descriptions in words: cron-utils' where it understands the expression, ours otherwise. */
class CronDescribeTest {

  private static String english(String expression) {
    return Cron.parse(expression).describe(Locale.ENGLISH);
  }

  @Test
  void describesPlainSchedulesInEnglish() {
    assertThat(english("0 2 * * *")).isEqualTo("at 02:00");
    assertThat(english("*/5 * * * *")).isEqualTo("every 5 minutes");
    assertThat(english("0 0 2 * * *")).isEqualTo("at 02:00");
    assertThat(english("0 0 0 L * ?")).isEqualTo("at 00:00 last day of month");
    assertThat(english("0 0 L * *")).isEqualTo("at 00:00 last day of month");
    assertThat(english("0 0 * * 5L")).isEqualTo("at 00:00 last Friday of every month");
    assertThat(english("@hourly")).isEqualTo("every hour");
  }

  @Test
  void describesInGerman() {
    assertThat(Cron.parse("0 2 * * *").describe(Locale.GERMAN)).isEqualTo("um 02:00");
    assertThat(Cron.parse("*/5 * * * *").describe(Locale.GERMAN)).isEqualTo("jede 5 Minuten");
  }

  @Test
  void unsupportedLocaleFallsBackToEnglish() {
    assertThat(Cron.parse("0 2 * * *").describe(Locale.forLanguageTag("xx"))).isEqualTo("at 02:00");
  }

  @Test
  void unixEitherDayRuleIsSpelledOut() {
    assertThat(english("0 0 1 * MON")).isEqualTo("at 00:00 on day 1 or on Monday");
  }

  @Test
  void extendedGrammarGetsOurOwnEnglish() {
    assertThat(english("0 0 L,15 * *"))
        .isEqualTo("at 00:00 on the last day of the month and day 15");
    assertThat(english("0 0 * * L")).isEqualTo("at 00:00 on Saturday");
    assertThat(english("0 0 * * FRI-MON")).isEqualTo("at 00:00 on Friday through Monday");
    assertThat(english("0 0 0 * * */2")).isEqualTo("at 00:00 on Monday, Wednesday, Friday, Sunday");
    assertThat(english("0 0 * * */2")).isEqualTo("at 00:00 on Sunday, Tuesday, Thursday, Saturday");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0 0 L,15 * *",
        "0 0 L-3,LW,15W * *",
        "0 0 * * 5L,MON#2",
        "0 22-2 * * FRI-MON",
        "0 0 1 * MON",
        "0 0 31 2 MON",
        "0 0 * * L",
        "0 0 0 ? * L 2030",
        "0 0 0 1 * 2",
        "0 0 0 ? * 6-2/2 *",
        "58-1/2 * * * *",
        "0 0 0 * * */3",
        "0 0 * NOV-FEB SUN#1",
        "@weekly",
        "@yearly",
        "0 0 0 1,L * ? 2025-2030/2"
      })
  void neverThrowsForAnyParsedExpressionInAnyLocale(String expression) {
    Cron cron = Cron.parse(expression);
    for (Locale locale :
        new Locale[] {Locale.ENGLISH, Locale.GERMAN, Locale.FRENCH, Locale.JAPANESE, Locale.ROOT}) {
      assertThat(cron.describe(locale)).as(expression + " in " + locale).isNotBlank();
    }
  }
}
