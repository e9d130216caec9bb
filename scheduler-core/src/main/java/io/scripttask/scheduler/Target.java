package io.scripttask.scheduler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which nodes a schedule runs on: the union of named nodes, of every node in named groups, and of
 * every node carrying all the tags of some tag selector. A {@link
 * io.scripttask.scheduler.spi.NodeDirectory} resolves a target to nodes each time the schedule
 * fires, so nodes that join a group later are picked up.
 *
 * <pre>{@code
 * Target.groups("web").andNodes("db-1").andTags("linux", "prod")
 * }</pre>
 *
 * <p>{@code Target.tags("linux", "prod")} matches the nodes tagged both {@code linux} and {@code
 * prod}; {@code Target.tags("linux").andTags("prod")} matches the nodes tagged either. Ids, groups
 * and tags that no node has are allowed (they match nothing), since nodes come and go. A target
 * matches nodes whatever their online or quarantine state: deciding whether a matched node may run
 * is the engine's job.
 *
 * <p>Immutable and thread-safe; the sets iterate in sorted order (ids, groups and the tags of a
 * selector by natural order, selectors by their tags), so {@link #toString()} is stable.
 *
 * @param nodeIds the ids of nodes matched by id
 * @param groupIds the groups whose every node is matched
 * @param tagSelectors tag selectors; a node matches a selector when it has all its tags
 * @param allNodes whether every node is matched (see {@link #all()})
 */
public record Target(
    Set<String> nodeIds, Set<String> groupIds, Set<Set<String>> tagSelectors, boolean allNodes) {

  /** Orders selectors (sets iterating in tag order) by their tags, as lists. */
  private static final Comparator<Set<String>> SELECTOR_ORDER =
      (a, b) -> {
        Iterator<String> i = a.iterator();
        Iterator<String> j = b.iterator();
        while (i.hasNext() && j.hasNext()) {
          int c = i.next().compareTo(j.next());
          if (c != 0) {
            return c;
          }
        }
        return Boolean.compare(i.hasNext(), j.hasNext());
      };

  private static final Target ALL = new Target(Set.of(), Set.of(), Set.of(), true);

  /**
   * Validates and copies the target's sets.
   *
   * @throws NullPointerException if a set, or an element of one, is null
   * @throws ValidationException if an id, group or tag is blank, if a tag selector is empty, or if
   *     the target names nothing at all and is not {@link #all()}
   */
  public Target {
    nodeIds = sorted(nodeIds, "nodeIds", "node id");
    groupIds = sorted(groupIds, "groupIds", "group");
    Objects.requireNonNull(tagSelectors, "tagSelectors");
    List<Set<String>> selectors = new ArrayList<>();
    for (Set<String> selector : tagSelectors) {
      selectors.add(selector(selector));
    }
    // sorted for a stable toString, but a hash set: a selector is found whatever its set's order
    selectors.sort(SELECTOR_ORDER);
    tagSelectors = shared(selectors);
    if (!allNodes && nodeIds.isEmpty() && groupIds.isEmpty() && tagSelectors.isEmpty()) {
      throw new ValidationException(
          "target", "name at least one node, group or tag selector", "empty");
    }
  }

  /**
   * A target of nodes by id.
   *
   * @param nodeIds the node ids
   * @return the target
   * @throws NullPointerException if an id is null
   * @throws ValidationException if an id is blank or no id is given
   */
  public static Target nodes(String... nodeIds) {
    return nodes(Arrays.asList(Objects.requireNonNull(nodeIds, "nodeIds")));
  }

  /**
   * A target of nodes by id.
   *
   * @param nodeIds the node ids
   * @return the target
   * @throws NullPointerException if the collection or an id is null
   * @throws ValidationException if an id is blank or the collection is empty
   */
  public static Target nodes(Collection<String> nodeIds) {
    return new Target(Set.copyOf(nonNull(nodeIds, "node id")), Set.of(), Set.of(), false);
  }

  /**
   * A target of every node in the given groups.
   *
   * @param groupIds the group ids
   * @return the target
   * @throws NullPointerException if a group id is null
   * @throws ValidationException if a group id is blank or none is given
   */
  public static Target groups(String... groupIds) {
    return groups(Arrays.asList(Objects.requireNonNull(groupIds, "groupIds")));
  }

  /**
   * A target of every node in the given groups.
   *
   * @param groupIds the group ids
   * @return the target
   * @throws NullPointerException if the collection or a group id is null
   * @throws ValidationException if a group id is blank or the collection is empty
   */
  public static Target groups(Collection<String> groupIds) {
    return new Target(Set.of(), Set.copyOf(nonNull(groupIds, "group")), Set.of(), false);
  }

  /**
   * A target of one tag selector: the nodes that carry <em>all</em> the given tags.
   *
   * @param tags the tags a node must all have
   * @return the target
   * @throws NullPointerException if a tag is null
   * @throws ValidationException if a tag is blank or no tag is given
   */
  public static Target tags(String... tags) {
    return tags(Arrays.asList(Objects.requireNonNull(tags, "tags")));
  }

  /**
   * A target of one tag selector: the nodes that carry <em>all</em> the given tags.
   *
   * @param tags the tags a node must all have
   * @return the target
   * @throws NullPointerException if the collection or a tag is null
   * @throws ValidationException if a tag is blank or the collection is empty
   */
  public static Target tags(Collection<String> tags) {
    return new Target(Set.of(), Set.of(), Set.of(Set.copyOf(nonNull(tags, "tag"))), false);
  }

  /**
   * A target of every node the directory knows. Use with care: it includes nodes added after the
   * schedule was created.
   *
   * @return the target
   */
  public static Target all() {
    return ALL;
  }

  /**
   * @param nodeIds more node ids
   * @return a target matching what this one matches and the given nodes
   * @throws NullPointerException if an id is null
   * @throws ValidationException if an id is blank
   */
  public Target andNodes(String... nodeIds) {
    List<String> ids = new ArrayList<>(this.nodeIds);
    ids.addAll(nonNull(Arrays.asList(Objects.requireNonNull(nodeIds, "nodeIds")), "node id"));
    return new Target(Set.copyOf(ids), groupIds, tagSelectors, allNodes);
  }

  /**
   * @param groupIds more groups
   * @return a target matching what this one matches and every node in the given groups
   * @throws NullPointerException if a group id is null
   * @throws ValidationException if a group id is blank
   */
  public Target andGroups(String... groupIds) {
    List<String> ids = new ArrayList<>(this.groupIds);
    ids.addAll(nonNull(Arrays.asList(Objects.requireNonNull(groupIds, "groupIds")), "group"));
    return new Target(nodeIds, Set.copyOf(ids), tagSelectors, allNodes);
  }

  /**
   * Adds one tag selector: {@code Target.tags("linux").andTags("windows", "prod")} matches the
   * nodes tagged {@code linux}, and the nodes tagged both {@code windows} and {@code prod}.
   *
   * @param tags the tags a node must all have to match the new selector
   * @return a target matching what this one matches and the nodes carrying all the given tags
   * @throws NullPointerException if a tag is null
   * @throws ValidationException if a tag is blank or no tag is given
   */
  public Target andTags(String... tags) {
    List<Set<String>> selectors = new ArrayList<>(tagSelectors);
    selectors.add(Set.copyOf(nonNull(Arrays.asList(Objects.requireNonNull(tags, "tags")), "tag")));
    return new Target(nodeIds, groupIds, Set.copyOf(selectors), allNodes);
  }

  /**
   * @param other another target
   * @return a target matching the nodes either target matches
   * @throws NullPointerException if {@code other} is null
   */
  public Target and(Target other) {
    Objects.requireNonNull(other, "other");
    List<String> ids = new ArrayList<>(nodeIds);
    ids.addAll(other.nodeIds);
    List<String> groups = new ArrayList<>(groupIds);
    groups.addAll(other.groupIds);
    List<Set<String>> selectors = new ArrayList<>(tagSelectors);
    selectors.addAll(other.tagSelectors);
    return new Target(
        Set.copyOf(ids), Set.copyOf(groups), Set.copyOf(selectors), allNodes || other.allNodes);
  }

  /**
   * Whether this target matches a node, judged by its id, groups and tags only (never by its online
   * or quarantine state).
   *
   * @param node the node
   * @return whether the node is matched by id, by one of its groups, or by a tag selector all of
   *     whose tags it carries
   * @throws NullPointerException if {@code node} is null
   */
  public boolean matches(Node node) {
    Objects.requireNonNull(node, "node");
    if (allNodes || nodeIds.contains(node.id())) {
      return true;
    }
    for (String group : node.groups()) {
      if (groupIds.contains(group)) {
        return true;
      }
    }
    for (Set<String> selector : tagSelectors) {
      if (node.tags().containsAll(selector)) {
        return true;
      }
    }
    return false;
  }

  private static <T extends Collection<String>> T nonNull(T values, String what) {
    Objects.requireNonNull(values, what + "s");
    for (String value : values) {
      Objects.requireNonNull(value, what);
    }
    return values;
  }

  /**
   * A sorted, validated, unmodifiable copy. Empty and one-element sets are the compact {@link
   * Set#of()} forms (trivially in order), so that targets do not each carry empty tree sets.
   */
  private static Set<String> sorted(Set<String> values, String field, String what) {
    Objects.requireNonNull(values, field);
    TreeSet<String> copy = new TreeSet<>();
    for (String value : values) {
      Objects.requireNonNull(value, what);
      if (value.isBlank()) {
        throw new ValidationException(what, "not be blank", "\"" + value + "\"");
      }
      copy.add(value);
    }
    if (copy.isEmpty()) {
      return Set.of();
    }
    if (copy.size() == 1) {
      return Set.of(copy.first());
    }
    return Collections.unmodifiableSortedSet(copy);
  }

  /** An unmodifiable copy of {@code items} in their order; compact when empty or one item. */
  private static <T> Set<T> shared(List<T> items) {
    if (items.isEmpty()) {
      return Set.of();
    }
    if (items.size() == 1) {
      return Set.of(items.get(0));
    }
    return Collections.unmodifiableSet(new LinkedHashSet<>(items));
  }

  private static Set<String> selector(Set<String> tags) {
    Objects.requireNonNull(tags, "tag selector");
    if (tags.isEmpty()) {
      throw new ValidationException("tag selector", "name at least one tag", "[]");
    }
    return sorted(tags, "tag selector", "tag");
  }
}
