package io.scripttask.remediation.internal.engine;

import io.scripttask.scheduler.ValidationException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trigger data and metric samples are JSON-like values: strings, numbers, booleans, nulls, lists
 * and maps with string keys. This class checks and freezes them (deep, unmodifiable copies), so a
 * store can keep them as JSON and an execution never changes under its reader.
 */
public final class Values {
  private Values() {}

  /**
   * Copies a map of JSON-like values deeply into unmodifiable collections, keeping key order.
   *
   * @param field the field name for messages
   * @param map the map
   * @return the frozen copy
   * @throws NullPointerException if {@code map} or a key is null
   * @throws ValidationException if a value is not JSON-like
   */
  public static Map<String, Object> freeze(String field, Map<String, ?> map) {
    if (map == null) {
      throw new NullPointerException(field);
    }
    Map<String, Object> copy = new LinkedHashMap<>();
    for (Map.Entry<String, ?> e : map.entrySet()) {
      if (e.getKey() == null) {
        throw new NullPointerException(field + " key");
      }
      copy.put(e.getKey(), freezeValue(field + "." + e.getKey(), e.getValue()));
    }
    return Collections.unmodifiableMap(copy);
  }

  private static Object freezeValue(String field, Object v) {
    if (v == null
        || v instanceof String
        || v instanceof Boolean
        || v instanceof Integer
        || v instanceof Long
        || v instanceof Double
        || v instanceof Float
        || v instanceof Short
        || v instanceof Byte
        || v instanceof BigDecimal
        || v instanceof BigInteger) {
      return v;
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> copy = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw new ValidationException(field, "have string keys", e.getKey());
        }
        copy.put(key, freezeValue(field + "." + key, e.getValue()));
      }
      return Collections.unmodifiableMap(copy);
    }
    if (v instanceof List<?> l) {
      List<Object> copy = new ArrayList<>(l.size());
      for (int i = 0; i < l.size(); i++) {
        copy.add(freezeValue(field + "[" + i + "]", l.get(i)));
      }
      return Collections.unmodifiableList(copy);
    }
    throw new ValidationException(
        field,
        "be a string, number, boolean, null, list or map",
        "a " + v.getClass().getSimpleName());
  }
}
