package io.scripttask.scheduler.internal.template;

import io.scripttask.scheduler.Shell;
import io.scripttask.scheduler.ValidationException;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/** Renders {@code #name#} templates for a shell; see {@link io.scripttask.scheduler.Variables}. */
public final class TemplateRenderer {

  private static final Pattern PLACEHOLDER = Pattern.compile("#[A-Za-z_][A-Za-z0-9_]*#");

  private TemplateRenderer() {}

  /**
   * Replaces each {@code #name#} placeholder that stands where the shell reads code with the
   * variable's value quoted for the shell.
   *
   * @param template the template
   * @param shell the shell that will run the result
   * @param values the variables' values by name
   * @return the rendered text; the template itself if it has no placeholder
   * @throws NullPointerException if an argument, a name or a value is null
   * @throws ValidationException if a placeholder in code names no variable, if a known variable's
   *     placeholder stands inside quotes or another place where its value would not be read as one
   *     literal, or if a value cannot be quoted for the shell
   */
  public static String render(String template, Shell shell, Map<String, String> values) {
    Objects.requireNonNull(template, "template");
    Objects.requireNonNull(shell, "shell");
    Objects.requireNonNull(values, "values");
    values.forEach(
        (name, value) -> {
          Objects.requireNonNull(name, "values' name");
          Objects.requireNonNull(value, "values' value");
        });
    if (!PLACEHOLDER.matcher(template).find()) {
      return template;
    }
    TemplateScanner scanner =
        switch (shell) {
          case SH, BASH -> new PosixScanner(template, shell, values);
          case POWERSHELL -> new PowerShellScanner(template, values);
          case PYTHON -> new PythonScanner(template, values);
          case CMD -> new CmdScanner(template, values);
        };
    return scanner.render();
  }
}
