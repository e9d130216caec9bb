package io.scripttask.remediation.internal.condition;

import java.util.Map;

/** Looks up trigger fields by name, with dots walking into nested maps. */
public final class Fields {
  private Fields() {}

  /**
   * Finds a field: the key itself first, then, when it has dots, the nested path.
   *
   * @param data the trigger data
   * @param field the field name, e.g. {@code diskUsagePercent} or {@code disk./var.usage}
   * @return the value, or null when missing
   */
  public static Object lookup(Map<String, ?> data, String field) {
    if (data.containsKey(field)) {
      return data.get(field);
    }
    int dot = field.indexOf('.');
    while (dot > 0 && dot < field.length() - 1) {
      Object head = data.get(field.substring(0, dot));
      if (head instanceof Map<?, ?> nested) {
        @SuppressWarnings("unchecked")
        Map<String, ?> inner = (Map<String, ?>) nested;
        Object found = lookup(inner, field.substring(dot + 1));
        if (found != null) {
          return found;
        }
      }
      dot = field.indexOf('.', dot + 1);
    }
    return null;
  }
}
