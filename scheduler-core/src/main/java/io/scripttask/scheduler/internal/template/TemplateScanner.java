package io.scripttask.scheduler.internal.template;

import io.scripttask.scheduler.Shell;
import io.scripttask.scheduler.ValidationException;
import java.util.Map;

/**
 * Walks a template the way its shell would read it, copying it to the output and replacing each
 * {@code #name#} placeholder that stands where the shell reads code with the quoted value.
 *
 * <p>Subclasses know one shell's quoting, comments and here-documents. In a comment, a placeholder
 * is copied as it is. Inside a quoted string, a here-document or another place where the quoted
 * value would not come out as one literal, a placeholder naming a known variable is rejected (the
 * author surely meant it to be replaced) and any other {@code #word#} is copied as it is.
 */
abstract class TemplateScanner {

  /** The template. */
  final String t;

  /** The shell whose quoting the values get. */
  final Shell shell;

  /** The rendered text so far. */
  final StringBuilder out;

  /** The index of the next character of {@link #t} to read. */
  int pos;

  private final Map<String, String> values;

  TemplateScanner(String template, Shell shell, Map<String, String> values) {
    this.t = template;
    this.shell = shell;
    this.values = values;
    this.out = new StringBuilder(template.length() + 64);
  }

  /** Reads the whole template, advancing {@link #pos} to its end. */
  abstract void scan();

  /**
   * @return the rendered template
   */
  final String render() {
    scan();
    return out.toString();
  }

  /**
   * @return whether the template has been read to its end
   */
  final boolean atEnd() {
    return pos >= t.length();
  }

  /**
   * @return the character at {@code i}, or {@code 0} past the end
   */
  final char at(int i) {
    return i >= 0 && i < t.length() ? t.charAt(i) : 0;
  }

  /** Copies {@code n} characters (fewer at the end) to the output. */
  final void copy(int n) {
    int end = Math.min(t.length(), pos + n);
    out.append(t, pos, end);
    pos = end;
  }

  /** Copies up to, not including, the next line break: a comment. */
  final void copyRestOfLine() {
    int end = t.indexOf('\n', pos);
    copyVerbatim(end < 0 ? t.length() : end);
  }

  /** Copies the text up to {@code end} as it is, placeholders included. */
  final void copyVerbatim(int end) {
    out.append(t, pos, end);
    pos = end;
  }

  /**
   * Copies the text up to {@code end}, in which the shell does not read code; a placeholder of a
   * known variable in it is an error.
   *
   * @param end where the text ends (exclusive)
   * @param where where the text is, completing "inside ..." in the error message
   */
  final void copyQuoted(int end, String where) {
    for (int i = pos; i < end; i++) {
      if (t.charAt(i) == '#') {
        rejectIfKnown(i, where);
      }
    }
    copyVerbatim(end);
  }

  /**
   * @param i an index
   * @return the index just past the placeholder starting at {@code i}, or -1 if none starts there
   */
  final int placeholderEnd(int i) {
    if (at(i) != '#' || !isNameStart(at(i + 1))) {
      return -1;
    }
    int j = i + 2;
    while (isNamePart(at(j))) {
      j++;
    }
    return at(j) == '#' ? j + 1 : -1;
  }

  /**
   * @return whether a placeholder starts at {@link #pos}
   */
  final boolean atPlaceholder() {
    return placeholderEnd(pos) >= 0;
  }

  /**
   * Replaces the placeholder at {@link #pos} with its quoted value.
   *
   * @throws ValidationException if it names no variable, or the value cannot be quoted
   */
  final void substitute() {
    int end = placeholderEnd(pos);
    String name = t.substring(pos + 1, end - 1);
    String value = values.get(name);
    if (value == null) {
      throw new ValidationException(
          "template placeholder",
          "name a variable",
          "#" + name + "# (unknown) at " + lineAndColumn(pos));
    }
    checkSurroundings(name, pos, end);
    out.append(Quoting.quote(shell, name, value));
    pos = end;
  }

  /**
   * If the text at {@code i} is the placeholder of a known variable, rejects it as standing where
   * its value could not be quoted; otherwise copies nothing and returns.
   *
   * @param i an index
   * @param where completing "inside ..."
   * @throws ValidationException if a known variable's placeholder starts at {@code i}
   */
  final void rejectIfKnown(int i, String where) {
    int end = placeholderEnd(i);
    if (end >= 0 && values.containsKey(t.substring(i + 1, end - 1))) {
      throw misplaced(t.substring(i, end), "inside " + where, i);
    }
  }

  /**
   * Checks what the shell would make of the text around a placeholder, once replaced; by default
   * anything goes.
   *
   * @param name the placeholder's name
   * @param start the index of its opening {@code #}
   * @param end the index just past its closing {@code #}
   * @throws ValidationException if the quoted value would not be read as one literal there
   */
  void checkSurroundings(String name, int start, int end) {}

  /**
   * @return an exception for a placeholder at {@code i} that the shell would not read as code
   */
  final ValidationException misplaced(String placeholder, String reason, int i) {
    return new ValidationException(
        "template placeholder " + placeholder,
        "stand where " + shellName() + " reads code, outside quotes (the value is quoted for you)",
        reason + " at " + lineAndColumn(i));
  }

  /**
   * @return an exception for a construct this scanner cannot follow safely
   */
  final ValidationException unsupported(String rule, int i) {
    return new ValidationException(
        "template", rule, "\"" + excerpt(i) + "\" at " + lineAndColumn(i));
  }

  /**
   * @return the last character written, or {@code 0} if none
   */
  final char lastOut() {
    return out.length() == 0 ? 0 : out.charAt(out.length() - 1);
  }

  final String shellName() {
    return switch (shell) {
      case SH -> "sh";
      case BASH -> "bash";
      case POWERSHELL -> "PowerShell";
      case CMD -> "cmd";
      case PYTHON -> "Python";
    };
  }

  final String lineAndColumn(int i) {
    int line = 1;
    int lineStart = 0;
    for (int k = 0; k < i && k < t.length(); k++) {
      if (t.charAt(k) == '\n') {
        line++;
        lineStart = k + 1;
      }
    }
    return "line " + line + ", column " + (i - lineStart + 1);
  }

  private String excerpt(int i) {
    int end = t.indexOf('\n', i);
    end = Math.min(end < 0 ? t.length() : end, i + 20);
    return t.substring(i, end);
  }

  static boolean isNameStart(char c) {
    return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_';
  }

  static boolean isNamePart(char c) {
    return isNameStart(c) || c >= '0' && c <= '9';
  }
}
