package io.scripttask.scheduler.internal.template;

import io.scripttask.scheduler.Shell;
import io.scripttask.scheduler.ValidationException;
import java.util.Objects;

/**
 * Turns a value into one literal token of a shell's language, so that the shell reads back exactly
 * the value and nothing else runs. The rules, per shell:
 *
 * <ul>
 *   <li>{@code sh}, {@code bash}: single quotes; each {@code '} becomes {@code '\''} (close, an
 *       escaped quote, reopen). Nothing is special inside single quotes, newlines included.
 *   <li>PowerShell: single quotes; each single-quote character is doubled. PowerShell treats the
 *       typographic quotes U+2018, U+2019, U+201A and U+201B as single quotes too, so they are
 *       doubled as well (as PowerShell's own {@code CodeGeneration.EscapeSingleQuotedStringContent}
 *       does). Nothing else is special in a single-quoted string.
 *   <li>Python: a single-quoted string literal in ASCII, like {@code ascii()}: {@code \\}, {@code
 *       \'}, {@code \"}, {@code \n}, {@code \r}, {@code \t}, other characters outside printable
 *       ASCII as {@code \xNN}, <code>&#92;uNNNN</code> or {@code \UNNNNNNNN}. The double quote is
 *       escaped too, so the literal stays one string even inside a {@code "..."} context.
 *   <li>{@code cmd}: double quotes. {@code cmd} has no escape that works inside double quotes, and
 *       expands {@code %var%} (and {@code !var!} under delayed expansion, where it also eats {@code
 *       ^}) even there, and a line break ends the command; so a value must consist of printable
 *       ASCII characters and tabs other than {@code " % ! ^}, or it is rejected. ASCII only,
 *       because {@code cmd} reads scripts in the console code page, where a non-ASCII character can
 *       become a lead byte that swallows the closing quote or a "best fit" quote. Inside the quotes
 *       {@code & | < > ( ) ,;=} and spaces are plain text. Trailing backslashes are doubled, so
 *       programs that split their command line by the Microsoft C runtime rules do not read {@code
 *       \"} as an escaped quote.
 * </ul>
 *
 * <p>Every shell rejects values containing a NUL character or an unpaired surrogate. Error messages
 * name the placeholder and the kind of character at fault, never the value, which may be a secret.
 */
public final class Quoting {

  private Quoting() {}

  /**
   * Quotes a value for a shell.
   *
   * @param shell the shell that will read the token
   * @param placeholder the placeholder's name, for error messages
   * @param value the value
   * @return the quoted token
   * @throws NullPointerException if an argument is null
   * @throws ValidationException if the value cannot be quoted safely for the shell
   */
  public static String quote(Shell shell, String placeholder, String value) {
    Objects.requireNonNull(shell, "shell");
    Objects.requireNonNull(placeholder, "placeholder");
    Objects.requireNonNull(value, "value");
    checkText(placeholder, value);
    return switch (shell) {
      case SH, BASH -> posix(value);
      case POWERSHELL -> powerShell(value);
      case PYTHON -> python(value);
      case CMD -> cmd(placeholder, value);
    };
  }

  /**
   * @param value the value, free of NUL characters
   * @return the value as one single-quoted POSIX shell word
   */
  public static String posix(String value) {
    return "'" + value.replace("'", "'\\''") + "'";
  }

  /**
   * @param value the value
   * @return the value as one single-quoted PowerShell string
   */
  public static String powerShell(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2).append('\'');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (isPowerShellSingleQuote(c)) {
        out.append(c);
      }
      out.append(c);
    }
    return out.append('\'').toString();
  }

  /**
   * @param value the value, without unpaired surrogates
   * @return the value as a Python string literal of printable ASCII
   */
  public static String python(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2).append('\'');
    for (int i = 0; i < value.length(); ) {
      int cp = value.codePointAt(i);
      i += Character.charCount(cp);
      switch (cp) {
        case '\\' -> out.append("\\\\");
        case '\'' -> out.append("\\'");
        case '"' -> out.append("\\\"");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (cp >= 0x20 && cp < 0x7f) {
            out.append((char) cp);
          } else if (cp < 0x100) {
            out.append(String.format("\\x%02x", cp));
          } else if (cp < 0x10000) {
            out.append(String.format("\\u%04x", cp));
          } else {
            out.append(String.format("\\U%08x", cp));
          }
        }
      }
    }
    return out.append('\'').toString();
  }

  /**
   * @param placeholder the placeholder's name, for error messages
   * @param value the value
   * @return the value in double quotes for {@code cmd}
   * @throws ValidationException if the value has a character {@code cmd} cannot take in quotes
   */
  public static String cmd(String placeholder, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean allowed = (c >= 0x20 && c < 0x7f || c == '\t') && "\"%!^".indexOf(c) < 0;
      if (!allowed) {
        throw new ValidationException(
            "#" + placeholder + "#",
            "have a value of printable ASCII characters other than \" % ! ^ to be quoted for cmd",
            "a value containing " + describe(c));
      }
    }
    int trailing = 0;
    while (trailing < value.length() && value.charAt(value.length() - 1 - trailing) == '\\') {
      trailing++;
    }
    return "\"" + value + "\\".repeat(trailing) + "\"";
  }

  /**
   * @param c a character
   * @return whether PowerShell reads it as a single quote
   */
  public static boolean isPowerShellSingleQuote(char c) {
    return c == '\'' || c == '\u2018' || c == '\u2019' || c == '\u201a' || c == '\u201b';
  }

  /**
   * @param c a character
   * @return whether PowerShell reads it as a double quote
   */
  public static boolean isPowerShellDoubleQuote(char c) {
    return c == '"' || c == '\u201c' || c == '\u201d' || c == '\u201e';
  }

  private static void checkText(String placeholder, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean unpaired =
          Character.isHighSurrogate(c)
                  && !(i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1)))
              || Character.isLowSurrogate(c)
                  && !(i > 0 && Character.isHighSurrogate(value.charAt(i - 1)));
      if (c == '\0' || unpaired) {
        throw new ValidationException(
            "#" + placeholder + "#",
            "have a value without NUL characters or unpaired surrogates",
            "a value containing " + describe(c));
      }
    }
  }

  /** Names a character without giving away more of the value than that one character's kind. */
  private static String describe(char c) {
    if (c == '\0') {
      return "a NUL character";
    }
    if (Character.isSurrogate(c)) {
      return "an unpaired surrogate";
    }
    if (c == '\n' || c == '\r') {
      return "a line break";
    }
    if (c >= 0x20 && c < 0x7f) {
      return "'" + c + "'";
    }
    return "a character outside printable ASCII";
  }
}
