package io.scripttask.scheduler;

import java.util.Random;

/**
 * Inputs for the cron fuzz tests ({@link CronFuzzTest}, {@link CronParserEquivalenceTest}): tokens
 * of the cron alphabet and junk, separators, random token strings and mutations of valid
 * expressions. Deterministic for a given {@link Random}.
 */
final class CronFuzzInputs {

  /** Field values, specials, names, macros, junk, unicode and control characters. */
  static final String[] TOKENS = {
    "0",
    "1",
    "2",
    "5",
    "7",
    "9",
    "10",
    "12",
    "15",
    "23",
    "24",
    "29",
    "30",
    "31",
    "32",
    "59",
    "60",
    "99",
    "1970",
    "2024",
    "2099",
    "2100",
    "99999999999",
    "2147483647",
    "2147483648",
    "-2147483648",
    "-1",
    "00",
    "007",
    "*",
    "*",
    "/",
    "/",
    ",",
    ",",
    "-",
    "-",
    "?",
    "L",
    "W",
    "#",
    "LW",
    "L-",
    "L-3",
    "5L",
    "3#2",
    "15W",
    "*/",
    "/0",
    "#0",
    "#6",
    "JAN",
    "FEB",
    "DEC",
    "MON",
    "fri",
    "SUN",
    "SAT",
    "FOO",
    "JANUARY",
    "MONDAY",
    "@",
    "@daily",
    "@hourly",
    "@weekly",
    "@yearly",
    "@reboot",
    "@every",
    "A",
    "Z",
    "Q",
    "X",
    "H",
    "R",
    "+",
    ".",
    ":",
    ";",
    "\\",
    "\"",
    "'",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "%",
    "$",
    "^",
    "&",
    "|",
    "~",
    "=",
    "e",
    "1e3",
    "0x1F",
    "٣",
    "३",
    "３",
    "é",
    "ß",
    "İ",
    "ı",
    "\u0000",
    "\u00a0",
    "\u2003",
    "\u200b",
    "🙂",
    "\ud800",
    "\r",
    "\n",
    "\f",
    "\u000b",
    "6",
    "8",
    "13",
    "l",
    "w",
    "lw",
    "l-30",
    "L-31",
    "5l",
    "7L",
    "0L",
    "3#5",
    "3#6",
    "MON#1",
    "fri#2",
    "FRIL",
    "satl",
    "15w",
    "31W",
    "0W",
    "jan",
    "Feb",
    "JUL",
    "mon",
    "Sat",
    "@HOURLY",
    "ſ",
    "ſun",
    "\u212a",
    "\u007f",
    "\u001c",
    "\u001f"
  };

  /** Field separators, mostly single spaces; the last one is an ASCII control character. */
  static final String[] SEPARATORS = {" ", " ", " ", " ", "  ", "\t", " \t", "", "\u001e"};

  private static final String MUTATION_ALPHABET = "0123456789*/,-?LWlw# ";

  private CronFuzzInputs() {}

  /**
   * A string of random tokens in random fields.
   *
   * @param random the source of randomness
   * @param minFields the fewest fields
   * @param maxFields the most fields
   * @param starOneIn a field is a plain {@code *} once in this many fields; 0 for never
   * @return the string
   */
  static String randomTokens(Random random, int minFields, int maxFields, int starOneIn) {
    int fields = minFields + random.nextInt(maxFields - minFields + 1);
    StringBuilder text = new StringBuilder();
    if (random.nextInt(8) == 0) {
      text.append(SEPARATORS[random.nextInt(SEPARATORS.length)]);
    }
    for (int f = 0; f < fields; f++) {
      if (f > 0) {
        text.append(SEPARATORS[random.nextInt(SEPARATORS.length)]);
      }
      if (starOneIn > 0 && random.nextInt(starOneIn) == 0) {
        text.append('*');
        continue;
      }
      int tokens = 1 + (random.nextInt(3) == 0 ? random.nextInt(6) : 0);
      for (int t = 0; t < tokens; t++) {
        text.append(TOKENS[random.nextInt(TOKENS.length)]);
      }
    }
    if (random.nextInt(8) == 0) {
      text.append(SEPARATORS[random.nextInt(SEPARATORS.length)]);
    }
    return text.toString();
  }

  /**
   * One to three random edits of an expression: a token, a separator or a number inserted, a
   * character deleted or replaced.
   *
   * @param expression the expression
   * @param random the source of randomness
   * @return the edited expression
   */
  static String mutate(String expression, Random random) {
    StringBuilder text = new StringBuilder(expression);
    int mutations = 1 + random.nextInt(3);
    for (int m = 0; m < mutations; m++) {
      int at = random.nextInt(text.length() + 1);
      switch (random.nextInt(5)) {
        case 0 -> text.insert(at, TOKENS[random.nextInt(TOKENS.length)]);
        case 1 -> {
          if (at < text.length()) {
            text.deleteCharAt(at);
          }
        }
        case 2 -> {
          if (at < text.length()) {
            text.setCharAt(
                at, MUTATION_ALPHABET.charAt(random.nextInt(MUTATION_ALPHABET.length())));
          }
        }
        case 3 -> text.insert(at, SEPARATORS[random.nextInt(SEPARATORS.length)]);
        default -> text.insert(at, Integer.toString(random.nextInt(100)));
      }
    }
    return text.toString();
  }

  /**
   * @param text any text, or null
   * @return the text quoted, with characters outside printable ASCII as {@code \\uXXXX}
   */
  static String escape(String text) {
    if (text == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      if (c < 0x20 || c > 0x7e) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
