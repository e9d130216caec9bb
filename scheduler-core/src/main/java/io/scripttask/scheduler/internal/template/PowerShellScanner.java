package io.scripttask.scheduler.internal.template;

import static io.scripttask.scheduler.internal.template.Quoting.isPowerShellDoubleQuote;
import static io.scripttask.scheduler.internal.template.Quoting.isPowerShellSingleQuote;

import io.scripttask.scheduler.Shell;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * Follows PowerShell quoting: single- and double-quoted strings (typographic quotes included),
 * backtick escapes, {@code $(...)} subexpressions (code again, even inside double quotes), {@code
 * ${...}} variable names, here-strings, line comments and {@code <# ... #>} block comments, and the
 * stop-parsing token {@code --%}.
 *
 * <p>Any {@code #} in code that is not a placeholder is taken to start a comment: PowerShell starts
 * comments only at the start of a token, so this can leave a placeholder unreplaced but never
 * replace one that PowerShell would read as a comment. A placeholder must stand at the start of a
 * token (after a blank or one of {@code ( [ { , ; = | &}) and must not be followed by a single
 * quote, which would merge with the quoted value's closing quote into an escaped quote.
 */
final class PowerShellScanner extends TemplateScanner {

  private enum Kind {
    TOP,
    SUBEXPRESSION,
    DOUBLE
  }

  private static final class Frame {
    final Kind kind;
    int parens;

    Frame(Kind kind) {
      this.kind = kind;
    }
  }

  private final Deque<Frame> frames = new ArrayDeque<>();

  PowerShellScanner(String template, Map<String, String> values) {
    super(template, Shell.POWERSHELL, values);
  }

  @Override
  void scan() {
    frames.push(new Frame(Kind.TOP));
    while (!atEnd()) {
      Frame frame = frames.peek();
      if (frame.kind == Kind.DOUBLE) {
        doubleQuoted();
      } else {
        code(frame);
      }
    }
  }

  private void code(Frame frame) {
    char c = at(pos);
    if (atPlaceholder()) {
      substitute();
      return;
    }
    if (isPowerShellSingleQuote(c)) {
      copyQuoted(singleQuotedEnd(pos + 1), "a single-quoted string");
    } else if (isPowerShellDoubleQuote(c)) {
      copy(1);
      frames.push(new Frame(Kind.DOUBLE));
    } else if (c == '`') {
      copy(2);
    } else if (c == '@'
        && (isPowerShellSingleQuote(at(pos + 1)) || isPowerShellDoubleQuote(at(pos + 1)))
        && hereStringOpens(pos + 2)) {
      copyQuoted(hereStringEnd(pos), "a here-string");
    } else if (c == '<' && at(pos + 1) == '#') {
      int close = t.indexOf("#>", pos + 2);
      copyVerbatim(close < 0 ? t.length() : close + 2);
    } else if (c == '#') {
      copyRestOfLine();
    } else if (c == '$' && at(pos + 1) == '(') {
      copy(2);
      frames.push(new Frame(Kind.SUBEXPRESSION));
    } else if (c == '$' && at(pos + 1) == '{') {
      int i = pos + 2;
      while (i < t.length() && t.charAt(i) != '}') {
        i += t.charAt(i) == '`' ? 2 : 1;
      }
      copyQuoted(Math.min(i + 1, t.length()), "a braced variable name ${...}");
    } else if (c == '-' && t.startsWith("--%", pos) && tokenStart(lastOut())) {
      int end = t.indexOf('\n', pos);
      copyQuoted(end < 0 ? t.length() : end, "the arguments after the stop-parsing token --%");
    } else if (c == '(' && frame.kind == Kind.SUBEXPRESSION) {
      frame.parens++;
      copy(1);
    } else if (c == ')' && frame.kind == Kind.SUBEXPRESSION) {
      copy(1);
      if (frame.parens == 0) {
        frames.pop();
      } else {
        frame.parens--;
      }
    } else {
      copy(1);
    }
  }

  private void doubleQuoted() {
    char c = at(pos);
    if (c == '#') {
      rejectIfKnown(pos, "a double-quoted string");
      copy(1);
    } else if (c == '`') {
      copy(2);
    } else if (isPowerShellDoubleQuote(c)) {
      if (isPowerShellDoubleQuote(at(pos + 1))) {
        copy(2);
      } else {
        copy(1);
        frames.pop();
      }
    } else if (c == '$' && at(pos + 1) == '(') {
      copy(2);
      frames.push(new Frame(Kind.SUBEXPRESSION));
    } else {
      copy(1);
    }
  }

  @Override
  void checkSurroundings(String name, int start, int end) {
    if (!tokenStart(lastOut())) {
      throw misplaced(
          "#" + name + "#",
          "directly after '" + lastOut() + "' (a placeholder must start a token)",
          start);
    }
    if (isPowerShellSingleQuote(at(end))) {
      throw misplaced(
          "#" + name + "#", "directly before a single quote (the quotes would merge)", start);
    }
  }

  private static boolean tokenStart(char previous) {
    return previous == 0 || Character.isWhitespace(previous) || "([{,;=|&".indexOf(previous) >= 0;
  }

  /**
   * @return the index just past the single-quoted string whose content starts at {@code i}
   */
  private int singleQuotedEnd(int i) {
    while (i < t.length()) {
      if (isPowerShellSingleQuote(t.charAt(i))) {
        if (isPowerShellSingleQuote(at(i + 1))) {
          i += 2;
          continue;
        }
        return i + 1;
      }
      i++;
    }
    return t.length();
  }

  /** Whether only blanks follow {@code i} up to the end of the line: a here-string opens. */
  private boolean hereStringOpens(int i) {
    while (at(i) == ' ' || at(i) == '\t') {
      i++;
    }
    return at(i) == '\n' || at(i) == '\r' && at(i + 1) == '\n';
  }

  /**
   * @param start the index of the {@code @} opening a here-string
   * @return the index just past the {@code '@} or {@code "@} that closes it at the start of a line
   */
  private int hereStringEnd(int start) {
    boolean single = isPowerShellSingleQuote(at(start + 1));
    int lineStart = t.indexOf('\n', start) + 1;
    while (lineStart > 0 && lineStart < t.length()) {
      char c = t.charAt(lineStart);
      boolean quote = single ? isPowerShellSingleQuote(c) : isPowerShellDoubleQuote(c);
      if (quote && at(lineStart + 1) == '@') {
        return lineStart + 2;
      }
      lineStart = t.indexOf('\n', lineStart) + 1;
    }
    return t.length();
  }
}
