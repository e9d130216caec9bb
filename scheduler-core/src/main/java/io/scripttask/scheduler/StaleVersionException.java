package io.scripttask.scheduler;

import java.util.Objects;

/**
 * Thrown when an update is based on a version of an object that is no longer the stored one: some
 * other caller (another thread, or another scheduler instance sharing the store) changed it first.
 * Read the object again and retry.
 */
public class StaleVersionException extends SchedulerException {
  private static final long serialVersionUID = 1L;

  private final String kind;
  private final String id;
  private final long expectedVersion;
  private final long actualVersion;

  /**
   * Creates the exception.
   *
   * @param kind what kind of object, for example {@code "schedule"}
   * @param id the object's id
   * @param expectedVersion the version the caller based its change on
   * @param actualVersion the stored version
   * @throws NullPointerException if kind or id is null
   */
  public StaleVersionException(String kind, String id, long expectedVersion, long actualVersion) {
    super(
        Objects.requireNonNull(kind, "kind")
            + " version must be the stored version "
            + actualVersion
            + " of \""
            + Objects.requireNonNull(id, "id")
            + "\", but was "
            + expectedVersion);
    this.kind = kind;
    this.id = id;
    this.expectedVersion = expectedVersion;
    this.actualVersion = actualVersion;
  }

  /**
   * @return what kind of object
   */
  public String kind() {
    return kind;
  }

  /**
   * @return the object's id
   */
  public String id() {
    return id;
  }

  /**
   * @return the version the caller based its change on
   */
  public long expectedVersion() {
    return expectedVersion;
  }

  /**
   * @return the stored version when the change was refused
   */
  public long actualVersion() {
    return actualVersion;
  }
}
