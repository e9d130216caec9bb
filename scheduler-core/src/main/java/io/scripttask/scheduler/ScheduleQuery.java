package io.scripttask.scheduler;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Filters for listing schedules; every filter given must match. Schedules are listed by id.
 * Immutable; start from {@link #all()}.
 *
 * @param states the states to include; empty for all
 * @param tag a tag the schedule must have, or {@code null}
 * @param scriptId the script the schedule must run, or {@code null}
 */
public record ScheduleQuery(Set<ScheduleState> states, String tag, String scriptId) {

  private static final ScheduleQuery ALL = new ScheduleQuery(Set.of(), null, null);

  /**
   * Copies the states.
   *
   * @throws NullPointerException if {@code states} or a state is null
   */
  public ScheduleQuery {
    Objects.requireNonNull(states, "states");
    states =
        states.isEmpty()
            ? Set.of()
            : Collections.unmodifiableSet(EnumSet.copyOf(Set.copyOf(states)));
  }

  /**
   * @return the query that matches every schedule
   */
  public static ScheduleQuery all() {
    return ALL;
  }

  /**
   * @param wanted the states to include
   * @return a copy that matches only those states
   * @throws NullPointerException if a state is null
   */
  public ScheduleQuery states(ScheduleState... wanted) {
    return new ScheduleQuery(Set.copyOf(Arrays.asList(wanted)), tag, scriptId);
  }

  /**
   * @param wanted a tag the schedule must have
   * @return a copy with that filter
   * @throws NullPointerException if {@code wanted} is null
   */
  public ScheduleQuery tag(String wanted) {
    return new ScheduleQuery(states, Objects.requireNonNull(wanted, "tag"), scriptId);
  }

  /**
   * @param wanted the script the schedule must run
   * @return a copy with that filter
   * @throws NullPointerException if {@code wanted} is null
   */
  public ScheduleQuery script(String wanted) {
    return new ScheduleQuery(states, tag, Objects.requireNonNull(wanted, "scriptId"));
  }

  /**
   * @param schedule a schedule
   * @return whether it matches every filter
   * @throws NullPointerException if {@code schedule} is null
   */
  public boolean matches(Schedule schedule) {
    return (states.isEmpty() || states.contains(schedule.state()))
        && (tag == null || schedule.spec().tags().contains(tag))
        && (scriptId == null || scriptId.equals(schedule.spec().scriptId()));
  }
}
