package io.scripttask.remediation;

import io.scripttask.scheduler.ValidationException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A secret value (a webhook URL, a token): kept so that a workflow can be written back, but never
 * shown. {@link #toString()} is {@code ***}; only {@link #reveal()} gives the value. Two secrets
 * are equal when their values are (compared in constant time).
 */
public final class Secret {
  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  /**
   * @param value the secret value
   * @return the secret
   * @throws NullPointerException if {@code value} is null
   * @throws ValidationException if the value is blank (the message does not show it)
   */
  public static Secret of(String value) {
    Objects.requireNonNull(value, "value");
    if (value.isBlank()) {
      throw ValidationException.secret("secret", "not be blank");
    }
    return new Secret(value);
  }

  /**
   * @return the secret value; never log it
   */
  public String reveal() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s
        && MessageDigest.isEqual(
            value.getBytes(StandardCharsets.UTF_8), s.value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  /**
   * @return {@value ValidationException#MASK}, never the value
   */
  @Override
  public String toString() {
    return ValidationException.MASK;
  }
}
