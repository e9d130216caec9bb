package io.scripttask.scheduler.internal.template;

import io.scripttask.scheduler.Shell;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Follows POSIX {@code sh} and {@code bash} quoting: single quotes, double quotes, backslash
 * escapes, {@code $'...'}, {@code $(...)}, {@code $((...))}, {@code ${...}}, backticks, comments
 * ({@code #} at the start of a word) and here-documents.
 *
 * <p>Placeholders are replaced in plain code, including inside {@code $(...)} nested in double
 * quotes (which is code again). They are refused in single, double and {@code $'...'} quotes, in
 * {@code ${...}}, {@code $((...))}, backticks (whose backslash rules would alter the quoted value;
 * use {@code $(...)}) and here-documents, and inside {@code case} within {@code $(...)} (whose
 * unbalanced {@code )} this scanner does not follow).
 */
final class PosixScanner extends TemplateScanner {

  private enum Kind {
    TOP,
    SUBSTITUTION,
    ARITHMETIC,
    DOUBLE,
    BRACE,
    BACKTICK
  }

  private static final class Frame {
    final Kind kind;
    int parens;

    Frame(Kind kind, int parens) {
      this.kind = kind;
      this.parens = parens;
    }
  }

  private record HereDocument(String delimiter, boolean stripTabs, boolean quoted) {}

  private final boolean bash;
  private final Deque<Frame> frames = new ArrayDeque<>();
  private final List<HereDocument> pending = new ArrayList<>();

  PosixScanner(String template, Shell shell, Map<String, String> values) {
    super(template, shell, values);
    this.bash = shell == Shell.BASH;
  }

  @Override
  void scan() {
    frames.push(new Frame(Kind.TOP, 0));
    while (!atEnd()) {
      Frame frame = frames.peek();
      switch (frame.kind) {
        case TOP, SUBSTITUTION, ARITHMETIC -> code(frame);
        case DOUBLE -> doubleQuoted();
        case BRACE -> brace();
        case BACKTICK -> backtick();
      }
    }
  }

  private void code(Frame frame) {
    char c = at(pos);
    if (atPlaceholder()) {
      if (frame.kind == Kind.ARITHMETIC) {
        rejectIfKnown(pos, "an arithmetic expansion $((...))");
        copy(1);
      } else {
        substitute();
      }
      return;
    }
    switch (c) {
      case '\\' -> copy(2);
      case '\'' -> singleQuoted();
      case '"' -> open(Kind.DOUBLE, 1, 0);
      case '`' -> open(Kind.BACKTICK, 1, 0);
      case '$' -> dollar(true);
      case '#' -> {
        if (frame.kind != Kind.ARITHMETIC && wordStart(pos)) {
          copyRestOfLine();
        } else {
          copy(1);
        }
      }
      case '<' -> {
        if (frame.kind != Kind.ARITHMETIC && at(pos + 1) == '<') {
          hereDocumentOperator();
        } else {
          copy(1);
        }
      }
      case '(' -> {
        if (frame.kind != Kind.TOP) {
          frame.parens++;
        }
        copy(1);
      }
      case ')' -> {
        copy(1);
        if (frame.kind != Kind.TOP) {
          if (frame.parens == 0) {
            frames.pop();
          } else {
            frame.parens--;
          }
        }
      }
      case '\n' -> {
        copy(1);
        if (!pending.isEmpty()) {
          hereDocumentBodies();
        }
      }
      default -> {
        if (frame.kind == Kind.SUBSTITUTION && wordStart(pos) && keywordAt("case")) {
          throw unsupported(
              "not use case inside $(...) together with placeholders (its unbalanced ')' is not"
                  + " followed); move the case statement into a function",
              pos);
        }
        copy(1);
      }
    }
  }

  private void doubleQuoted() {
    char c = at(pos);
    if (c == '#') {
      rejectIfKnown(pos, "a double-quoted string");
      copy(1);
      return;
    }
    switch (c) {
      case '\\' -> copy(2);
      case '"' -> {
        copy(1);
        frames.pop();
      }
      case '`' -> open(Kind.BACKTICK, 1, 0);
      case '$' -> dollar(false);
      default -> copy(1);
    }
  }

  private void brace() {
    char c = at(pos);
    if (c == '#') {
      rejectIfKnown(pos, "a parameter expansion ${...}");
      copy(1);
      return;
    }
    switch (c) {
      case '\\' -> copy(2);
      case '\'' -> singleQuoted();
      case '"' -> open(Kind.DOUBLE, 1, 0);
      case '`' -> open(Kind.BACKTICK, 1, 0);
      case '$' -> dollar(false);
      case '}' -> {
        copy(1);
        frames.pop();
      }
      default -> copy(1);
    }
  }

  private void backtick() {
    char c = at(pos);
    if (c == '#') {
      rejectIfKnown(pos, "a `...` command substitution (use $(...) instead)");
      copy(1);
      return;
    }
    switch (c) {
      case '\\' -> copy(2);
      case '`' -> {
        copy(1);
        frames.pop();
      }
      default -> copy(1);
    }
  }

  /** At a {@code $}: expansions open frames; {@code $#} is a parameter, not a comment. */
  private void dollar(boolean inCode) {
    char next = at(pos + 1);
    if (next == '(' && at(pos + 2) == '(') {
      open(Kind.ARITHMETIC, 3, 1);
    } else if (next == '(') {
      open(Kind.SUBSTITUTION, 2, 0);
    } else if (next == '{') {
      open(Kind.BRACE, 2, 0);
    } else if (next == '\'' && inCode) {
      ansiC();
    } else if (next == '#') {
      copy(2);
    } else {
      copy(1);
    }
  }

  private void open(Kind kind, int length, int parens) {
    copy(length);
    frames.push(new Frame(kind, parens));
  }

  private void singleQuoted() {
    int close = t.indexOf('\'', pos + 1);
    copyQuoted(close < 0 ? t.length() : close + 1, "a single-quoted string");
  }

  /**
   * {@code $'...'}: bash reads backslash escapes in it, so {@code \'} does not end it; a POSIX sh
   * that predates {@code $'...'} (dash before 0.5.13) reads {@code $} and a plain single-quoted
   * string, which {@code \'} does end. For sh, a template where the two readings differ is refused.
   */
  private void ansiC() {
    int i = pos + 2;
    while (i < t.length() && t.charAt(i) != '\'') {
      i += t.charAt(i) == '\\' ? 2 : 1;
    }
    int escapedEnd = Math.min(i + 1, t.length());
    if (!bash) {
      int plain = t.indexOf('\'', pos + 2);
      int plainEnd = plain < 0 ? t.length() : plain + 1;
      if (plainEnd != escapedEnd) {
        throw unsupported(
            "not use \\' inside $'...' for sh, whose shells disagree on where the string ends",
            pos);
      }
    }
    copyQuoted(escapedEnd, "a $'...' string");
  }

  /** At {@code <<}: a here-string ({@code <<<}) or a here-document operator and its delimiter. */
  private void hereDocumentOperator() {
    if (at(pos + 2) == '<') {
      copy(3);
      return;
    }
    copy(2);
    boolean stripTabs = at(pos) == '-';
    if (stripTabs) {
      copy(1);
    }
    while (at(pos) == ' ' || at(pos) == '\t') {
      copy(1);
    }
    int start = pos;
    StringBuilder delimiter = new StringBuilder();
    boolean quoted = false;
    int i = pos;
    while (i < t.length() && " \t\n;&|<>()".indexOf(t.charAt(i)) < 0) {
      char c = t.charAt(i);
      if (c == '\\') {
        quoted = true;
        if (i + 1 < t.length()) {
          delimiter.append(t.charAt(i + 1));
        }
        i += 2;
      } else if (c == '\'' || c == '"') {
        quoted = true;
        int close = t.indexOf(c, i + 1);
        close = close < 0 ? t.length() : close;
        delimiter.append(t, i + 1, close);
        i = close + 1;
      } else {
        delimiter.append(c);
        i++;
      }
    }
    i = Math.min(i, t.length());
    copyQuoted(i, "a here-document delimiter");
    if (i > start) {
      pending.add(new HereDocument(delimiter.toString(), stripTabs, quoted));
    }
  }

  /**
   * Reads the bodies of the pending here-documents, which start after the line break just copied.
   * An unquoted body joins lines ending in a backslash before comparing with the delimiter (as bash
   * does), which can only make this scanner think a body longer, never shorter.
   */
  private void hereDocumentBodies() {
    for (HereDocument doc : pending) {
      while (!atEnd()) {
        int lineEnd = lineEnd(pos);
        StringBuilder logical = new StringBuilder(t.substring(pos, lineEnd));
        while (!doc.quoted() && endsInOddBackslashes(logical) && lineEnd < t.length()) {
          logical.setLength(logical.length() - 1);
          int next = lineEnd(lineEnd + 1);
          logical.append(t, lineEnd + 1, next);
          lineEnd = next;
        }
        String line = logical.toString();
        if (doc.stripTabs()) {
          line = line.replaceFirst("^\t+", "");
        }
        int afterLine = Math.min(lineEnd + 1, t.length());
        if (line.equals(doc.delimiter())) {
          copyVerbatim(afterLine);
          break;
        }
        copyQuoted(afterLine, "a here-document");
      }
    }
    pending.clear();
  }

  private int lineEnd(int from) {
    int end = t.indexOf('\n', from);
    return end < 0 ? t.length() : end;
  }

  private static boolean endsInOddBackslashes(CharSequence s) {
    int n = 0;
    while (n < s.length() && s.charAt(s.length() - 1 - n) == '\\') {
      n++;
    }
    return n % 2 == 1;
  }

  /** Whether a word would start at {@code i}: a comment starts only there. */
  private boolean wordStart(int i) {
    return i == 0 || " \t\n;&|()<>`".indexOf(t.charAt(i - 1)) >= 0;
  }

  private boolean keywordAt(String word) {
    return t.startsWith(word, pos) && " \t\n;".indexOf(at(pos + word.length())) >= 0;
  }
}
