package io.scripttask.scheduler.internal.template;

import io.scripttask.scheduler.Shell;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Follows Python 3 tokens: comments, string literals with their prefixes ({@code r b u f t} and
 * combinations), single and triple quotes, backslash escapes, and f-strings with their replacement
 * fields nested as Python 3.12 allows.
 *
 * <p>Placeholders are replaced in code outside any string; anywhere in an f-string (its replacement
 * fields included) they are refused. A placeholder must not directly follow a letter, digit or
 * underscore, which would turn the quoted value into a prefixed string such as {@code f'...'}.
 */
final class PythonScanner extends TemplateScanner {

  private static final Set<String> PREFIXES =
      Set.of("r", "u", "b", "f", "t", "br", "rb", "fr", "rf", "tr", "rt");

  private enum Kind {
    TOP,
    FSTRING,
    REPLACEMENT
  }

  private static final class Frame {
    final Kind kind;
    final char quote;
    final boolean triple;
    final boolean raw;
    int depth;
    boolean formatSpec;

    Frame(Kind kind, char quote, boolean triple, boolean raw) {
      this.kind = kind;
      this.quote = quote;
      this.triple = triple;
      this.raw = raw;
    }
  }

  private final Deque<Frame> frames = new ArrayDeque<>();

  PythonScanner(String template, Map<String, String> values) {
    super(template, Shell.PYTHON, values);
  }

  @Override
  void scan() {
    frames.push(new Frame(Kind.TOP, (char) 0, false, false));
    while (!atEnd()) {
      Frame frame = frames.peek();
      switch (frame.kind) {
        case TOP -> code(frame);
        case FSTRING -> fString(frame);
        case REPLACEMENT -> {
          if (frame.formatSpec) {
            formatSpec(frame);
          } else {
            code(frame);
          }
        }
      }
    }
  }

  private void code(Frame frame) {
    char c = at(pos);
    if (atPlaceholder()) {
      if (frame.kind == Kind.REPLACEMENT) {
        rejectIfKnown(pos, "an f-string");
        copy(1);
      } else {
        substitute();
      }
      return;
    }
    if (c == '#') {
      copyRestOfLine();
    } else if (c == '\\') {
      copy(2);
    } else if (c == '\'' || c == '"') {
      string("");
    } else if (isNameStart(c)) {
      int end = pos;
      while (isNamePart(at(end))) {
        end++;
      }
      String word = t.substring(pos, end);
      copy(end - pos);
      if ((at(pos) == '\'' || at(pos) == '"') && PREFIXES.contains(word.toLowerCase(Locale.ROOT))) {
        string(word);
      }
    } else if (frame.kind == Kind.REPLACEMENT) {
      replacementCharacter(frame, c);
    } else {
      copy(1);
    }
  }

  /** Brackets in a replacement field; a closing brace or colon at depth 0 ends or splits it. */
  private void replacementCharacter(Frame frame, char c) {
    if (c == '(' || c == '[' || c == '{') {
      frame.depth++;
    } else if ((c == ')' || c == ']' || c == '}') && frame.depth > 0) {
      frame.depth--;
    } else if (c == '}') {
      copy(1);
      frames.pop();
      return;
    } else if (c == ':' && frame.depth == 0) {
      frame.formatSpec = true;
    }
    copy(1);
  }

  /** A format spec after {@code :} is text with nested {@code {...}} fields, up to {@code }}. */
  private void formatSpec(Frame frame) {
    char c = at(pos);
    if (c == '#') {
      rejectIfKnown(pos, "an f-string");
      copy(1);
    } else if (c == '{') {
      copy(1);
      frames.push(new Frame(Kind.REPLACEMENT, (char) 0, false, false));
    } else if (c == '}') {
      copy(1);
      frames.pop();
    } else {
      copy(1);
    }
  }

  /** At the opening quote of a string literal whose prefix (possibly empty) was just copied. */
  private void string(String prefix) {
    String lower = prefix.toLowerCase(Locale.ROOT);
    boolean raw = lower.contains("r");
    boolean formatted = lower.contains("f") || lower.contains("t");
    char quote = at(pos);
    boolean triple = at(pos + 1) == quote && at(pos + 2) == quote;
    if (formatted) {
      copy(triple ? 3 : 1);
      frames.push(new Frame(Kind.FSTRING, quote, triple, raw));
      return;
    }
    int i = pos + (triple ? 3 : 1);
    int end = t.length();
    while (i < t.length()) {
      char c = t.charAt(i);
      if (c == '\\') {
        i += 2;
      } else if (triple ? t.startsWith(String.valueOf(quote).repeat(3), i) : c == quote) {
        end = i + (triple ? 3 : 1);
        break;
      } else if (!triple && c == '\n') {
        end = i;
        break;
      } else {
        i++;
      }
    }
    copyQuoted(Math.min(end, t.length()), "a string literal");
  }

  private void fString(Frame frame) {
    char c = at(pos);
    if (c == '#') {
      rejectIfKnown(pos, "an f-string");
      copy(1);
    } else if (c == '\\') {
      if (!frame.raw && at(pos + 1) == 'N' && at(pos + 2) == '{') {
        int close = t.indexOf('}', pos);
        copyQuoted(close < 0 ? t.length() : close + 1, "an f-string");
      } else {
        copy(2);
      }
    } else if (c == '{' || c == '}') {
      if (at(pos + 1) == c) {
        copy(2);
      } else {
        copy(1);
        if (c == '{') {
          frames.push(new Frame(Kind.REPLACEMENT, (char) 0, false, false));
        }
      }
    } else if (frame.triple
        ? t.startsWith(String.valueOf(frame.quote).repeat(3), pos)
        : c == frame.quote) {
      copy(frame.triple ? 3 : 1);
      frames.pop();
    } else if (!frame.triple && c == '\n') {
      frames.pop();
    } else {
      copy(1);
    }
  }

  @Override
  void checkSurroundings(String name, int start, int end) {
    if (isNamePart(lastOut())) {
      throw misplaced(
          "#" + name + "#",
          "directly after '" + lastOut() + "' (it would become a string prefix)",
          start);
    }
  }
}
