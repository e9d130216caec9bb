package io.scripttask.remediation.json;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scripttask.remediation.Workflow;
import io.scripttask.remediation.WorkflowValidationException;
import io.scripttask.scheduler.ValidationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * Reads and writes {@link Workflow}s as JSON, in the format of the MeshCentral ScriptTask seed
 * ({@code POST /api/remediation/workflows}), extended for everything the model has.
 *
 * <h2>Format</h2>
 *
 * <pre>{@code
 * {
 *   "id": "security-patch",            // optional: derived from the name (lower-case, dashes)
 *   "name": "Security Patch Application",
 *   "description": "...",
 *   "trigger": {"type": "threshold", "condition": {"type": "threshold", "field": "diskUsagePercent",
 *               "operator": "gt", "value": 85}, "clear": {...}, "m": 3, "n": 5},
 *   "steps": [
 *     {"id": "backup", "type": "script", "scriptId": "create-backup", "timeout": 600,
 *      "rollbackScriptId": "restore-backup", "onSuccess": "install-patch",
 *      "onFailure": "notify-failure"},
 *     {"id": "install-patch", "type": "script", "scriptId": "install-security-patch",
 *      "retryPolicy": {"maxAttempts": 3, "backoffType": "exponential", "delaySeconds": 60},
 *      "successCriteria": {"type": "exitCode", "exitCode": 0}, "onSuccess": "verify"},
 *     {"id": "notify", "type": "webhook", "url": "https://hooks.slack.com/...", "method": "POST",
 *      "webhookType": "slack"}
 *   ],
 *   "rollbackEnabled": true,
 *   "enabled": true
 * }
 * }</pre>
 *
 * <ul>
 *   <li><b>Durations</b> ({@code timeout}, {@code deadline}, {@code cooldown}, {@code duration},
 *       {@code interval}, {@code probeTimeout}, {@code ttl}, {@code delay}, {@code period}, {@code
 *       rollbackTimeout}, and the {@code *Seconds} fields of {@code retryPolicy}) are a number of
 *       seconds (decimals allowed) as in the seed, or an ISO-8601 text such as {@code "PT5M"}.
 *   <li><b>Step types</b>: {@code script} ({@code scriptId} or inline {@code script}, {@code
 *       target}, {@code environment}), {@code command} ({@code commands}, {@code stopOnFailure},
 *       {@code shell}, {@code target}, {@code environment}), {@code webhook} ({@code url}, {@code
 *       method}, {@code webhookType}: a notify step on channel {@code webhookType}, default {@code
 *       webhook}), {@code notify} ({@code channel}, {@code url}, {@code method}), both with {@code
 *       severity}, {@code subject}, {@code body}; {@code email} ({@code to}: a text or a list,
 *       {@code subject}, {@code body}, {@code channel}, {@code severity}), {@code delay} ({@code
 *       duration}), {@code condition} ({@code condition}), {@code healthCheck} ({@code
 *       scriptId}/{@code script}, {@code interval}, {@code probeTimeout}, {@code environment}),
 *       {@code quarantine} ({@code reason}), {@code release}, {@code approval} ({@code approvers},
 *       {@code message}, {@code ttl}, {@code channel}), {@code escalate} ({@code policy}), {@code
 *       succeed} and {@code fail} ({@code message}).
 *   <li><b>Every step</b>: {@code id}, {@code type}, {@code description}, {@code timeout}, {@code
 *       retryPolicy} ({@code maxAttempts}, {@code backoffType} exponential|fixed, {@code
 *       delaySeconds}, {@code multiplier}, {@code maxDelaySeconds}, {@code jitter}, {@code
 *       budgetSeconds}, {@code retryOn}), {@code successCriteria}, {@code rollbackScriptId} or
 *       {@code rollbackScript} (inline) with {@code rollbackTimeout}, {@code interruptPolicy}
 *       (rerun|verify|fail), {@code onSuccess}, {@code onFailure} ({@code null} or absent = end;
 *       {@code "$succeed"}, {@code "$fail"}), {@code next} (both at once).
 *   <li><b>Conditions</b>: {@code exitCode} ({@code exitCode}, {@code operator}), {@code
 *       outputContains} ({@code text}, {@code stream} stdout|stderr|any, {@code ignoreCase}),
 *       {@code regex} ({@code pattern}, {@code stream}), {@code jsonPath} ({@code path}, {@code
 *       operator}, {@code value}, {@code source} stdout|trigger), {@code threshold} ({@code field},
 *       {@code operator}, {@code value}), {@code and}/{@code or} ({@code conditions}), {@code not}
 *       ({@code condition}), {@code step} ({@code step}, {@code condition}). Operators: {@code gt
 *       gte lt lte eq ne}.
 *   <li><b>Triggers</b>: {@code manual} (the default), {@code threshold} ({@code condition}, {@code
 *       clear}, {@code m}, {@code n}), {@code jobFailed} ({@code scheduleId}, {@code statuses}),
 *       {@code cron} ({@code cron}, {@code zone}, {@code target}).
 *   <li><b>Workflow</b>: also {@code entry}, {@code deadline}, {@code onCompensationFailure}
 *       (stopAndEscalate|continue|retry), {@code escalation} ({@code tiers} of {@code channel},
 *       {@code delay}, {@code severity}, {@code message}; {@code repeat}), {@code cooldown}, {@code
 *       rateLimit} ({@code maxExecutions}, {@code period}, {@code maxConcurrentNodes}), {@code
 *       tags}. {@link #write(Workflow)} also writes {@code version}, which reading ignores.
 *   <li><b>Targets</b>: {@code {"nodes": [...], "groups": [...], "tags": [["linux", "prod"]],
 *       "all": false}}.
 * </ul>
 *
 * <p><b>Unknown properties are rejected</b>, each reported with its name (a typo such as {@code
 * "onFailur"} would otherwise silently end the workflow). A {@code webhook} URL is a secret: it is
 * kept (so {@link #write(Workflow)} writes it back) but never shown in messages.
 *
 * <p>Reading reports every problem of the document at once, each naming the step, the field (as in
 * JSON) and the value, in a {@link WorkflowValidationException}; the model's own rules (see {@link
 * Workflow}) are checked in the same pass. {@code read(write(w))} equals {@code w} and has the same
 * {@link Workflow#version()}. Thread-safe.
 */
public final class WorkflowJson {

  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(SerializationFeature.INDENT_OUTPUT);

  private WorkflowJson() {}

  /**
   * Reads a workflow.
   *
   * @param json the JSON text
   * @return the workflow
   * @throws NullPointerException if {@code json} is null
   * @throws ValidationException if the text is not well-formed JSON
   * @throws WorkflowValidationException listing every problem of the definition
   */
  public static Workflow read(String json) {
    Objects.requireNonNull(json, "json");
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw malformed(e);
    }
    return new WorkflowReader().read(root);
  }

  /**
   * Reads a workflow from a stream (UTF-8 or as detected by Jackson); the stream is not closed.
   *
   * @param in the stream
   * @return the workflow
   * @throws NullPointerException if {@code in} is null
   * @throws UncheckedIOException if the stream cannot be read
   * @throws ValidationException if the text is not well-formed JSON
   * @throws WorkflowValidationException listing every problem of the definition
   */
  public static Workflow read(InputStream in) {
    Objects.requireNonNull(in, "in");
    JsonNode root;
    try {
      root = MAPPER.readTree(in);
    } catch (JsonProcessingException e) {
      throw malformed(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new WorkflowReader().read(root);
  }

  /**
   * Writes a workflow as indented JSON, in step order, leaving out fields that have their default
   * value, plus its {@code version}. Secrets (webhook URLs) are written: treat the text as secret.
   *
   * @param workflow the workflow
   * @return the JSON text
   * @throws NullPointerException if {@code workflow} is null
   */
  public static String write(Workflow workflow) {
    Objects.requireNonNull(workflow, "workflow");
    ObjectNode node = new WorkflowWriter(false).write(workflow);
    node.put("version", workflow.version());
    return toText(node);
  }

  /**
   * The canonical form that {@link Workflow#version()} hashes: compact JSON with keys sorted, steps
   * sorted by id, the entry step always written, {@code enabled} left out, and secrets replaced by
   * their SHA-256. Not meant to be read back.
   *
   * @param workflow the workflow
   * @return the canonical text
   * @throws NullPointerException if {@code workflow} is null
   */
  public static String canonical(Workflow workflow) {
    Objects.requireNonNull(workflow, "workflow");
    JsonNode node = WorkflowWriter.sortKeys(new WorkflowWriter(true).write(workflow));
    return node.toString();
  }

  private static String toText(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of JSON nodes always serializes", e);
    }
  }

  private static ValidationException malformed(JsonProcessingException e) {
    String where =
        e.getLocation() == null
            ? "unreadable"
            : "malformed at line "
                + e.getLocation().getLineNr()
                + ", column "
                + e.getLocation().getColumnNr();
    String original = e.getOriginalMessage();
    if (original != null && original.startsWith("Duplicate field ")) {
      // names only a property, never a value
      return new ValidationException(
          "json", "not repeat a property (" + original.replace('"', '\'') + ")", where);
    }
    String why = e instanceof JsonParseException ? "be well-formed JSON" : "be readable JSON";
    // the parser's own message may quote document text (a secret URL): left out on purpose
    return new ValidationException("json", why, where);
  }
}
