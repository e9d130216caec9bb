package io.scripttask.scheduler.internal.template;

import io.scripttask.scheduler.Shell;
import java.util.Map;

/**
 * Follows {@code cmd} quoting: a double quote toggles quoting until the end of the line, and a
 * caret escapes the next character outside quotes.
 *
 * <p>Placeholders are replaced outside quotes. A placeholder must not directly follow {@code %} or
 * {@code !}, which would make the quoted value part of a variable reference. {@code cmd} has no
 * reliable comment syntax to follow ({@code rem} and {@code ::} are commands and labels), so
 * placeholders in them are replaced like anywhere else; the values cannot contain a line break.
 */
final class CmdScanner extends TemplateScanner {

  private boolean quoted;

  CmdScanner(String template, Map<String, String> values) {
    super(template, Shell.CMD, values);
  }

  @Override
  void scan() {
    while (!atEnd()) {
      char c = at(pos);
      if (c == '\n') {
        quoted = false;
        copy(1);
      } else if (quoted) {
        if (c == '#') {
          rejectIfKnown(pos, "a double-quoted string");
        } else if (c == '"') {
          quoted = false;
        }
        copy(1);
      } else if (atPlaceholder()) {
        substitute();
      } else if (c == '^') {
        copy(2);
      } else {
        if (c == '"') {
          quoted = true;
        }
        copy(1);
      }
    }
  }

  @Override
  void checkSurroundings(String name, int start, int end) {
    char previous = lastOut();
    if (previous == '%' || previous == '!') {
      throw misplaced(
          "#" + name + "#",
          "directly after '" + previous + "' (it would be part of a variable reference)",
          start);
    }
  }
}
