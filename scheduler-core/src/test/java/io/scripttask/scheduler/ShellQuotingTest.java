package io.scripttask.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.scripttask.scheduler.internal.template.Quoting;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Round trips through real interpreters: a value rendered into a script must come out of the script
 * exactly, and nothing in it may run.
 */
@Timeout(60)
class ShellQuotingTest {

  /** Where the hostile values try to create files; the tests check nothing appears there. */
  @TempDir static Path sandbox;

  static String python;

  @BeforeAll
  static void findPython() throws Exception {
    Process p =
        new ProcessBuilder("python3", "-c", "import sys; sys.stdout.write(sys.executable)")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    python = out.isEmpty() ? "python3" : out; // the real binary, skipping slow version shims
  }

  static String pwned(String name) {
    return sandbox.resolve("pwned-" + name).toString();
  }

  /** Values that break naive quoting; each one that could run something tries to touch a file. */
  static Stream<String> nastyValues() {
    return Stream.of(
        "",
        " ",
        "plain",
        "two words",
        "it's",
        "'",
        "''",
        "'\\''",
        "\"double\"",
        "\"",
        "$(touch " + pwned("dollar-paren") + ")",
        "`touch " + pwned("backtick") + "`",
        "'; touch " + pwned("quote-semicolon") + "; '",
        "\"; touch " + pwned("dquote-semicolon") + "; \"",
        "; touch " + pwned("semicolon"),
        "&& touch " + pwned("and"),
        "| touch " + pwned("pipe"),
        "a\ntouch " + pwned("newline") + "\nb",
        "line1\nline2\n",
        "\n",
        "\r\n",
        "trailing backslash\\",
        "\\",
        "\\\\'",
        "back\\slash\\n",
        "$HOME ${HOME} $1 $@ $$ $? $#",
        "*",
        "~",
        "~root",
        "{a,b}",
        "!!",
        "-n",
        "--help",
        "%s %d %%",
        "#name# ## #",
        "tab\there",
        "\u0001\u001b[31mred\u001b[0m\u007f",
        "h\u00e9llo w\u00f6rld \u2713 \u65e5\u672c\u8a9e",
        "emoji \uD83D\uDE00 \uD83D\uDC4D\uD83C\uDFFD",
        "\u2018curly\u2019 \u201cquotes\u201d",
        "\u00a0nbsp\u2028ls\u2029ps\u0085nel",
        "__import__('os').system('touch " + pwned("python-import") + "')",
        "' + __import__('os').system('touch " + pwned("python-concat") + "') + '",
        "\\' + __import__('os').system('touch " + pwned("python-escape") + "') + \\'",
        "{__import__('os').system('touch " + pwned("python-fstring") + "')}",
        "x".repeat(10_000));
  }

  @AfterEach
  void nothingRan() throws IOException {
    List<String> created;
    try (Stream<Path> files = Files.list(sandbox)) {
      created =
          files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("pwned-")).toList();
    }
    for (String name : created) {
      Files.delete(sandbox.resolve(name)); // so that one failure does not fail every later test
    }
    assertThat(created).as("files created by values that ran as commands").isEmpty();
  }

  static boolean nonAscii(String value) {
    return value.chars().anyMatch(c -> c > 0x7f);
  }

  static void assumeUtf8ArgumentsIfNonAscii(String value) {
    if (nonAscii(value)) {
      assumeTrue(
          "UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding")),
          "process arguments are not UTF-8 here");
    }
  }

  static String run(List<String> command) throws Exception {
    Path err = Files.createTempFile("quoting", ".err");
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(sandbox.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectError(err.toFile())
              .start();
      byte[] out;
      try (InputStream in = process.getInputStream()) {
        out = in.readAllBytes();
      }
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("finished").isTrue();
      assertThat(process.exitValue()).as("exit code; stderr: %s", Files.readString(err)).isZero();
      return new String(out, StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(err);
    }
  }

  static String sh(String script) throws Exception {
    return run(List.of("/bin/sh", "-c", script));
  }

  static String bash(String script) throws Exception {
    return run(List.of("bash", "-c", script));
  }

  static String python(String script) throws Exception {
    return run(List.of(python, "-c", script));
  }

  static String render(String template, Shell shell, String value) {
    return Variables.render(template, shell, Map.of("v", value));
  }

  @Nested
  class RoundTrips {

    @ParameterizedTest
    @MethodSource("io.scripttask.scheduler.ShellQuotingTest#nastyValues")
    void shPrintsEveryValueExactly(String value) throws Exception {
      assumeUtf8ArgumentsIfNonAscii(value);

      assertThat(sh(render("printf '%s' #v#", Shell.SH, value))).isEqualTo(value);
    }

    @ParameterizedTest
    @MethodSource("io.scripttask.scheduler.ShellQuotingTest#nastyValues")
    void bashPrintsEveryValueExactly(String value) throws Exception {
      assumeUtf8ArgumentsIfNonAscii(value);

      assertThat(bash(render("printf '%s' #v#", Shell.BASH, value))).isEqualTo(value);
    }

    @ParameterizedTest
    @MethodSource("io.scripttask.scheduler.ShellQuotingTest#nastyValues")
    void pythonPrintsEveryValueExactly(String value) throws Exception {
      String script =
          render("import sys\nsys.stdout.buffer.write(#v#.encode('utf-8'))", Shell.PYTHON, value);

      assertThat(script).isASCII();
      assertThat(python(script)).isEqualTo(value);
    }

    @ParameterizedTest
    @MethodSource("io.scripttask.scheduler.ShellQuotingTest#nastyValues")
    void bashAssignsEveryValueExactly(String value) throws Exception {
      assumeUtf8ArgumentsIfNonAscii(value);
      String script = render("x=#v#\nprintf '%s' \"$x\"", Shell.BASH, value);

      assertThat(bash(script)).isEqualTo(value);
    }

    @ParameterizedTest
    @MethodSource("io.scripttask.scheduler.ShellQuotingTest#nastyValues")
    void shSubstitutesInsideCommandSubstitutionWithinDoubleQuotes(String value) throws Exception {
      assumeUtf8ArgumentsIfNonAscii(value);
      // $(...) strips trailing newlines, so compare against the same shell doing the same
      String script = render("printf '%s' \"$(printf '%s.' #v#)\"", Shell.SH, value);

      assertThat(sh(script)).isEqualTo(value + ".");
    }

    @Test
    void manyPlaceholdersInOneScriptKeepTheirValuesApart() throws Exception {
      Map<String, String> values = new LinkedHashMap<>();
      values.put("A", "it's");
      values.put("B", "$(touch " + pwned("many") + ")");
      values.put("C", "");
      String template = "printf '%s|' #A# x#B#y \"q\"#C# #A##B#\n# comment #A#\n";

      String script = Variables.render(template, Shell.SH, values);

      assertThat(sh(script))
          .isEqualTo("it's|x$(touch " + pwned("many") + ")y|q|it's$(touch " + pwned("many") + ")|");
      assertThat(bash(Variables.render(template, Shell.BASH, values))).isEqualTo(sh(script));
      assertThat(script).endsWith("# comment #A#\n");
    }

    @Test
    void placeholdersAfterAHereDocumentAreReplacedAndItsBodyIsLeftAlone() throws Exception {
      String template =
          "cat <<'EOF'\nbody with #notavar# and $(not run)\nEOF\nprintf '%s' #v#\n"
              + "cat <<-END\n\tindented $((1 + 2))\n\tEND\n";
      String script = render(template, Shell.SH, "after'heredoc");

      assertThat(sh(script))
          .isEqualTo("body with #notavar# and $(not run)\nafter'heredoc" + "indented 3\n");
    }

    @Test
    void pythonKeepsCommentsStringsAndPlaceholdersApart() throws Exception {
      String template =
          "import sys  # the #v# here stays\n"
              + "s = '#notavar#' + \"#other#\"\n"
              + "sys.stdout.write(s + '|' + #v# + '|' + f'{len(#w#)}')\n";
      Map<String, String> values = Map.of("v", "it's \"x\"", "w", "abc");

      assertThatThrownBy(() -> Variables.render(template, Shell.PYTHON, values))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("#w#")
          .hasMessageContaining("f-string");

      String fixed = template.replace("f'{len(#w#)}'", "str(len(#w#))");
      assertThat(python(Variables.render(fixed, Shell.PYTHON, values)))
          .isEqualTo("#notavar##other#|it's \"x\"|3");
    }
  }

  @Nested
  class QuotingRules {

    @Test
    void posixUsesSingleQuotesWithEscapedQuotes() {
      assertThat(Quoting.posix("it's")).isEqualTo("'it'\\''s'");
      assertThat(Quoting.posix("")).isEqualTo("''");
      assertThat(render("printf '%s' #v#", Shell.SH, "a b")).isEqualTo("printf '%s' 'a b'");
    }

    @Test
    void powerShellDoublesEveryKindOfSingleQuote() {
      assertThat(Quoting.powerShell("it's")).isEqualTo("'it''s'");
      assertThat(Quoting.powerShell("\u2018a\u2019 \u201ab\u201b"))
          .isEqualTo("'\u2018\u2018a\u2019\u2019 \u201a\u201ab\u201b\u201b'");
      assertThat(Quoting.powerShell("$env:PATH `n \"x\" $(evil)"))
          .isEqualTo("'$env:PATH `n \"x\" $(evil)'");
      assertThat(Quoting.powerShell("")).isEqualTo("''");
    }

    @Test
    void pythonLiteralsAreAsciiAndEscapeBothQuotes() {
      assertThat(Quoting.python("it's \"x\" \\ \n\r\t"))
          .isEqualTo("'it\\'s \\\"x\\\" \\\\ \\n\\r\\t'");
      assertThat(Quoting.python("\u00e9\u0001\u2713\uD83D\uDE00"))
          .isEqualTo("'\\xe9\\x01\\u2713\\U0001f600'");
      assertThat(Quoting.python("")).isEqualTo("''");
    }

    @Test
    void cmdUsesDoubleQuotesAndDoublesTrailingBackslashes() {
      assertThat(Quoting.cmd("v", "C:\\Program Files\\App\\"))
          .isEqualTo("\"C:\\Program Files\\App\\\\\"");
      assertThat(Quoting.cmd("v", "a & b | c < d > e (f) ,;= \t"))
          .isEqualTo("\"a & b | c < d > e (f) ,;= \t\"");
      assertThat(Quoting.cmd("v", "")).isEqualTo("\"\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"", "%PATH%", "!x!", "^", "a\nb", "a\rb", "\u00e9", "\uff02"})
    void cmdRejectsWhatItCannotQuoteNamingThePlaceholderNotTheValue(String bad) {
      String value = "s3cr3t" + bad;

      assertThatThrownBy(() -> render("echo #v#", Shell.CMD, value))
          .isInstanceOfSatisfying(
              ValidationException.class, e -> assertThat(e.field()).isEqualTo("#v#"))
          .hasMessageStartingWith("#v# must have a value of printable ASCII")
          .hasMessageNotContaining("s3cr3t");
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void everyShellRejectsNulAndUnpairedSurrogates(Shell shell) {
      assertThatThrownBy(() -> render("echo #v#", shell, "s3cr3t\0"))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("#v#")
          .hasMessageContaining("NUL")
          .hasMessageNotContaining("s3cr3t");
      assertThatThrownBy(() -> render("echo #v#", shell, "s3cr3t\uD800x"))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("unpaired surrogate");
      assertThatThrownBy(() -> render("echo #v#", shell, "\uDC00"))
          .isInstanceOf(ValidationException.class);
    }

    @Test
    void valuesThatLookLikePlaceholdersAreNotRenderedAgain() throws Exception {
      Map<String, String> values = Map.of("a", "#b#", "b", "boom");

      String script = Variables.render("printf '%s' #a# #b#", Shell.SH, values);

      assertThat(script).isEqualTo("printf '%s' '#b#' 'boom'");
      assertThat(sh(script)).isEqualTo("#b#boom");
    }
  }

  @Test
  void theSideEffectCheckWouldSeeAnUnquotedValueRun() throws Exception {
    // guards the guard: a command that really runs leaves a file the check would find
    Path proof = sandbox.resolve("pwned-proof");
    sh("touch " + proof);
    try (Stream<Path> files = Files.list(sandbox)) {
      assertThat(files.map(p -> p.getFileName().toString())).contains("pwned-proof");
    }
    Files.delete(proof);
  }

  @BeforeEach
  void sandboxExists() {
    assertThat(sandbox).isDirectory();
  }
}
