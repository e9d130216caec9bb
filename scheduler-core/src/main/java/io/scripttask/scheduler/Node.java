package io.scripttask.scheduler;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A machine scripts run on, as a {@link io.scripttask.scheduler.spi.NodeDirectory} knows it.
 *
 * @param id the node's unique id
 * @param name a display name (the id when none is known)
 * @param groups the groups the node belongs to (a MeshCentral mesh, a DeployX device group)
 * @param tags free-form tags that target selectors match
 * @param attributes free-form attributes (operating system, address, ...)
 * @param transport the name of the {@link io.scripttask.scheduler.spi.Transport} that reaches the
 *     node
 * @param online whether the node is reachable now
 * @param quarantined whether the node is quarantined (nothing is dispatched to it)
 */
public record Node(
    String id,
    String name,
    Set<String> groups,
    Set<String> tags,
    Map<String, String> attributes,
    String transport,
    boolean online,
    boolean quarantined) {

  /**
   * Validates and copies the node's fields.
   *
   * @throws NullPointerException if any field is null
   * @throws ValidationException if {@code id} or {@code transport} is blank
   */
  public Node {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(transport, "transport");
    if (id.isBlank()) {
      throw new ValidationException("id", "not be blank", "\"" + id + "\"");
    }
    if (transport.isBlank()) {
      throw new ValidationException("transport", "not be blank", "\"" + transport + "\"");
    }
    groups = Set.copyOf(Objects.requireNonNull(groups, "groups"));
    tags = Set.copyOf(Objects.requireNonNull(tags, "tags"));
    attributes = Map.copyOf(Objects.requireNonNull(attributes, "attributes"));
  }

  /**
   * An online, unquarantined node with no groups, tags or attributes.
   *
   * @param id the node's id (also its name)
   * @param transport the name of the transport that reaches it
   * @return the node
   */
  public static Node of(String id, String transport) {
    return new Node(id, id, Set.of(), Set.of(), Map.of(), transport, true, false);
  }

  /**
   * @param groups the groups
   * @return a copy of this node in the given groups
   */
  public Node withGroups(Set<String> groups) {
    return new Node(id, name, groups, tags, attributes, transport, online, quarantined);
  }

  /**
   * @param tags the tags
   * @return a copy of this node with the given tags
   */
  public Node withTags(Set<String> tags) {
    return new Node(id, name, groups, tags, attributes, transport, online, quarantined);
  }

  /**
   * @param online whether the node is reachable
   * @return a copy of this node with the given online state
   */
  public Node withOnline(boolean online) {
    return new Node(id, name, groups, tags, attributes, transport, online, quarantined);
  }

  /**
   * @param quarantined whether the node is quarantined
   * @return a copy of this node with the given quarantine state
   */
  public Node withQuarantined(boolean quarantined) {
    return new Node(id, name, groups, tags, attributes, transport, online, quarantined);
  }
}
