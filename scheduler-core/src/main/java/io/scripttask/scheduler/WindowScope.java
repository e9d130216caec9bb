package io.scripttask.scheduler;

import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;

/**
 * Which nodes a {@link MaintenanceWindow} applies to: all of them ({@link #global()}), the members
 * of chosen groups ({@link #groups(String...)}; a MeshCentral mesh, a DeployX device group), or
 * chosen nodes ({@link #nodes(String...)}).
 *
 * @param type what {@link #ids()} name
 * @param ids the group ids or node ids, an unmodifiable copy; empty for {@link Type#GLOBAL}
 */
public record WindowScope(Type type, Set<String> ids) {

  private static final WindowScope GLOBAL = new WindowScope(Type.GLOBAL, Set.of());

  /** What a scope's ids name. */
  public enum Type {
    /** Every node; there are no ids. */
    GLOBAL,
    /** The nodes in at least one of the groups whose ids are given. */
    GROUPS,
    /** The nodes whose ids are given. */
    NODES
  }

  /**
   * Creates a scope.
   *
   * @param type what {@code ids} name
   * @param ids the group or node ids; none for {@link Type#GLOBAL}
   * @throws NullPointerException if an argument or an id is null
   * @throws ValidationException if a {@link Type#GLOBAL} scope has ids, another scope has none, or
   *     an id is blank
   */
  public WindowScope {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(ids, "ids");
    for (String id : ids) {
      Objects.requireNonNull(id, "ids");
    }
    ids = Set.copyOf(ids);
    String field = type == Type.NODES ? "nodes" : "groups";
    if (type == Type.GLOBAL && !ids.isEmpty()) {
      throw new ValidationException("ids", "be empty for a global scope", ids);
    }
    if (type != Type.GLOBAL && ids.isEmpty()) {
      throw new ValidationException(field, "not be empty", ids);
    }
    for (String id : ids) {
      if (id.isBlank()) {
        throw new ValidationException(field, "not contain a blank id", ids);
      }
    }
  }

  /**
   * Returns the scope that applies to every node.
   *
   * @return the global scope
   */
  public static WindowScope global() {
    return GLOBAL;
  }

  /**
   * Returns a scope that applies to the nodes in at least one of {@code groupIds}.
   *
   * @param groupIds the group ids, at least one
   * @return the scope
   * @throws NullPointerException if {@code groupIds} or an id is null
   * @throws ValidationException if there is no id or an id is blank
   */
  public static WindowScope groups(String... groupIds) {
    Objects.requireNonNull(groupIds, "groupIds");
    return groups(Arrays.asList(groupIds));
  }

  /**
   * Returns a scope that applies to the nodes in at least one of {@code groupIds}.
   *
   * @param groupIds the group ids, at least one
   * @return the scope
   * @throws NullPointerException if {@code groupIds} or an id is null
   * @throws ValidationException if there is no id or an id is blank
   */
  public static WindowScope groups(Collection<String> groupIds) {
    return new WindowScope(Type.GROUPS, copy(groupIds, "groupIds"));
  }

  /**
   * Returns a scope that applies to the nodes {@code nodeIds}.
   *
   * @param nodeIds the node ids, at least one
   * @return the scope
   * @throws NullPointerException if {@code nodeIds} or an id is null
   * @throws ValidationException if there is no id or an id is blank
   */
  public static WindowScope nodes(String... nodeIds) {
    Objects.requireNonNull(nodeIds, "nodeIds");
    return nodes(Arrays.asList(nodeIds));
  }

  /**
   * Returns a scope that applies to the nodes {@code nodeIds}.
   *
   * @param nodeIds the node ids, at least one
   * @return the scope
   * @throws NullPointerException if {@code nodeIds} or an id is null
   * @throws ValidationException if there is no id or an id is blank
   */
  public static WindowScope nodes(Collection<String> nodeIds) {
    return new WindowScope(Type.NODES, copy(nodeIds, "nodeIds"));
  }

  /**
   * Returns whether the scope covers a node.
   *
   * @param nodeId the node's id
   * @param groupIds the ids of the groups the node is in (may be empty)
   * @return true for a global scope, for a groups scope naming one of {@code groupIds}, and for a
   *     nodes scope naming {@code nodeId}
   * @throws NullPointerException if an argument is null
   */
  public boolean appliesTo(String nodeId, Set<String> groupIds) {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(groupIds, "groupIds");
    switch (type) {
      case GLOBAL:
        return true;
      case NODES:
        return ids.contains(nodeId);
      case GROUPS:
        for (String group : groupIds) {
          if (group != null && ids.contains(group)) {
            return true;
          }
        }
        return false;
      default:
        throw new AssertionError(type);
    }
  }

  private static Set<String> copy(Collection<String> ids, String name) {
    Objects.requireNonNull(ids, name);
    for (String id : ids) {
      Objects.requireNonNull(id, name);
    }
    return Set.copyOf(ids);
  }
}
