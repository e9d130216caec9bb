package io.scripttask.remediation.internal.condition;

import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.spi.json.JacksonJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import io.scripttask.scheduler.ValidationException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Compiles and evaluates Jayway JSON paths over step output or trigger data, with Jackson. */
public final class JsonPaths {

  private static final Configuration CONFIGURATION =
      Configuration.builder()
          .jsonProvider(new JacksonJsonProvider())
          .mappingProvider(new JacksonMappingProvider())
          .options(EnumSet.noneOf(com.jayway.jsonpath.Option.class))
          .build();

  private JsonPaths() {}

  /**
   * Compiles a path.
   *
   * @param field the field named in the error
   * @param path the path text
   * @return the compiled path
   * @throws ValidationException naming the field and the path when it is not a valid JSON path
   */
  public static JsonPath compile(String field, String path) {
    Objects.requireNonNull(path, field);
    if (path.isBlank()) {
      throw new ValidationException(field, "be a JSON path such as $.status", "\"" + path + "\"");
    }
    try {
      return JsonPath.compile(path);
    } catch (InvalidPathException e) {
      // a wrapped parser failure (index errors on truncated paths) has no useful text
      String why =
          e.getCause() != null || e.getMessage() == null
              ? "it does not parse"
              : oneLine(e.getMessage());
      throw new ValidationException(
          field, "be a valid JSON path (" + why + ")", "\"" + path + "\"");
    } catch (RuntimeException e) {
      // the parser fails with index errors on some truncated paths: no useful text in them
      throw new ValidationException(
          field, "be a valid JSON path (it does not parse)", "\"" + path + "\"");
    }
  }

  /**
   * Reads a path from a JSON text.
   *
   * @param path the compiled path
   * @param json the text
   * @return the values found (one for a definite path, any number for an indefinite one); empty
   *     when the text is not JSON or the path finds nothing
   */
  public static Optional<List<Object>> readText(JsonPath path, String json) {
    if (json == null || json.isBlank()) {
      return Optional.empty();
    }
    Object document;
    try {
      document = CONFIGURATION.jsonProvider().parse(json);
    } catch (RuntimeException e) { // InvalidJsonException and the like: not JSON
      return Optional.empty();
    }
    return read(path, document);
  }

  /**
   * Reads a path from data already in memory (maps, lists, scalars).
   *
   * @param path the compiled path
   * @param data the data
   * @return the values found; empty when the path finds nothing
   */
  public static Optional<List<Object>> readData(JsonPath path, Map<String, Object> data) {
    return read(path, data);
  }

  private static Optional<List<Object>> read(JsonPath path, Object document) {
    try {
      Object value = path.read(document, CONFIGURATION);
      if (!path.isDefinite() && value instanceof List<?> list) {
        return Optional.of(List.copyOf(list.stream().map(JsonPaths::box).toList()));
      }
      return Optional.of(java.util.Collections.singletonList(value));
    } catch (RuntimeException e) {
      // PathNotFoundException and friends: the value is missing
      return Optional.empty();
    }
  }

  private static Object box(Object o) {
    return o == null ? NULL : o;
  }

  /** Stands for a JSON null inside an immutable list. */
  public static final Object NULL =
      new Object() {
        @Override
        public String toString() {
          return "null";
        }
      };

  private static String oneLine(String message) {
    if (message == null) {
      return "unparseable";
    }
    String m = message.replace('\n', ' ').replace('\r', ' ').trim();
    return m.length() > 120 ? m.substring(0, 120) + "..." : m;
  }
}
