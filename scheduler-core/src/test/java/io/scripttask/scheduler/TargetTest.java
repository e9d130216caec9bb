package io.scripttask.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TargetTest {

  static Node node(String id, Set<String> groups, Set<String> tags) {
    return new Node(id, id, groups, tags, Map.of(), "ssh", true, false);
  }

  static final Node WEB_1 = node("web-1", Set.of("web"), Set.of("linux", "prod"));
  static final Node DB_1 = node("db-1", Set.of("db", "backup"), Set.of("linux"));
  static final Node WIN = node("win-1", Set.of(), Set.of("windows", "prod"));

  @Test
  void nodesMatchesOnlyTheNamedIds() {
    Target target = Target.nodes("db-1", "db-2");

    assertThat(target.matches(DB_1)).isTrue();
    assertThat(target.matches(WEB_1)).isFalse();
    assertThat(target.nodeIds()).containsExactly("db-1", "db-2");
    assertThat(target.groupIds()).isEmpty();
    assertThat(target.tagSelectors()).isEmpty();
  }

  @Test
  void groupsMatchesNodesInAnyNamedGroup() {
    Target target = Target.groups("backup", "edge");

    assertThat(target.matches(DB_1)).isTrue();
    assertThat(target.matches(WEB_1)).isFalse();
    assertThat(target.matches(WIN)).isFalse();
  }

  @Test
  void aTagSelectorNeedsAllItsTags() {
    Target target = Target.tags("linux", "prod");

    assertThat(target.matches(WEB_1)).isTrue();
    assertThat(target.matches(DB_1)).isFalse(); // linux only
    assertThat(target.matches(WIN)).isFalse(); // prod only
  }

  @Test
  void andTagsAddsASelectorMatchedIndependently() {
    Target target = Target.tags("windows").andTags("linux", "prod");

    assertThat(target.matches(WIN)).isTrue();
    assertThat(target.matches(WEB_1)).isTrue();
    assertThat(target.matches(DB_1)).isFalse();
    assertThat(target.tagSelectors()).containsExactly(Set.of("linux", "prod"), Set.of("windows"));
  }

  @Test
  void combinatorsBuildAUnion() {
    Target target = Target.groups("web").andNodes("win-1").andGroups("db");

    assertThat(target.matches(WEB_1)).isTrue();
    assertThat(target.matches(DB_1)).isTrue();
    assertThat(target.matches(WIN)).isTrue();
    assertThat(target.matches(node("other", Set.of("lab"), Set.of("linux")))).isFalse();
  }

  @Test
  void andUnitesTwoTargets() {
    Target target = Target.nodes("db-1").and(Target.tags("windows"));

    assertThat(target).isEqualTo(Target.nodes("db-1").andTags("windows"));
    assertThat(target.matches(WIN)).isTrue();
    assertThat(target.matches(DB_1)).isTrue();
    assertThat(target.matches(WEB_1)).isFalse();
    assertThat(Target.nodes("x").and(Target.all()).allNodes()).isTrue();
  }

  @Test
  void allMatchesEveryNode() {
    assertThat(Target.all().matches(WEB_1)).isTrue();
    assertThat(Target.all().matches(WIN)).isTrue();
    assertThat(Target.all().allNodes()).isTrue();
    assertThat(Target.nodes("db-1").allNodes()).isFalse();
  }

  @Test
  void matchingIgnoresOnlineAndQuarantineState() {
    Target target = Target.nodes("db-1");

    assertThat(target.matches(DB_1.withOnline(false).withQuarantined(true))).isTrue();
  }

  @Test
  void anEmptyTargetIsRejected() {
    assertThatThrownBy(() -> Target.nodes())
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("target"))
        .hasMessage("target must name at least one node, group or tag selector, but was empty");
    assertThatThrownBy(() -> Target.groups(List.of())).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> new Target(Set.of(), Set.of(), Set.of(), false))
        .isInstanceOf(ValidationException.class);
  }

  @Test
  void blankIdsGroupsAndTagsAreRejected() {
    assertThatThrownBy(() -> Target.nodes("db-1", " "))
        .isInstanceOf(ValidationException.class)
        .hasMessage("node id must not be blank, but was \" \"");
    assertThatThrownBy(() -> Target.groups(""))
        .isInstanceOf(ValidationException.class)
        .hasMessage("group must not be blank, but was \"\"");
    assertThatThrownBy(() -> Target.tags("linux", "\t"))
        .isInstanceOf(ValidationException.class)
        .hasMessage("tag must not be blank, but was \"\t\"");
    assertThatThrownBy(() -> Target.nodes("db-1").andGroups(" "))
        .isInstanceOf(ValidationException.class);
  }

  @Test
  void anEmptyTagSelectorIsRejectedRatherThanMatchingEverything() {
    assertThatThrownBy(() -> Target.tags())
        .isInstanceOf(ValidationException.class)
        .hasMessage("tag selector must name at least one tag, but was []");
    assertThatThrownBy(() -> Target.nodes("db-1").andTags())
        .isInstanceOf(ValidationException.class);
  }

  @Test
  void nullsAreRejected() {
    assertThatThrownBy(() -> Target.nodes((String) null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Target.nodes((String[]) null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Target.tags("a", null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Target.groups("web").andNodes((String) null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Target.all().matches(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Target.all().and(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void isImmutable() {
    Set<String> ids = new HashSet<>(Set.of("a"));
    Target target = new Target(ids, Set.of(), Set.of(), false);
    ids.add("b");

    assertThat(target.nodeIds()).containsExactly("a");
    assertThatThrownBy(() -> target.nodeIds().add("c"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> target.tagSelectors().add(Set.of("x")))
        .isInstanceOf(UnsupportedOperationException.class);
    Target tagged = Target.tags("x");
    assertThatThrownBy(() -> tagged.tagSelectors().iterator().next().add("y"))
        .isInstanceOf(UnsupportedOperationException.class);
    Target extended = target.andNodes("c");
    assertThat(target.nodeIds()).containsExactly("a");
    assertThat(extended.nodeIds()).containsExactly("a", "c");
  }

  @Test
  void equalTargetsAreEqualWhateverTheOrderTheyWereBuiltIn() {
    Target one = Target.nodes("b", "a", "a").andTags("y", "x").andTags("z").andGroups("g");
    Target two = Target.groups("g").andTags("z").andNodes("a").andTags("x", "y").andNodes("b");

    assertThat(one).isEqualTo(two).hasSameHashCodeAs(two);
    assertThat(one.toString()).isEqualTo(two.toString());
    assertThat(one)
        .hasToString(
            "Target[nodeIds=[a, b], groupIds=[g], tagSelectors=[[x, y], [z]], allNodes=false]");
  }

  @Test
  void duplicateSelectorsCollapse() {
    Target target = Target.tags("b", "a").andTags("a", "b").andTags("a");

    assertThat(target.tagSelectors()).containsExactly(Set.of("a"), Set.of("a", "b"));
  }

  @Test
  void matchesAgreesWithABruteForceDefinitionOnEveryNodeOfASmallUniverse() {
    List<String> names = List.of("a", "b", "c");
    List<Node> universe = new ArrayList<>();
    int n = 0;
    for (int groupMask = 0; groupMask < 8; groupMask++) {
      for (int tagMask = 0; tagMask < 8; tagMask++) {
        universe.add(node("n" + n++, subset(names, groupMask), subset(names, tagMask)));
      }
    }
    Target target = Target.nodes("n5", "n63").andGroups("a").andTags("b", "c").andTags("a");

    for (Node node : universe) {
      boolean expected =
          node.id().equals("n5")
              || node.id().equals("n63")
              || node.groups().contains("a")
              || node.tags().contains("b") && node.tags().contains("c")
              || node.tags().contains("a");
      assertThat(target.matches(node)).as(node.toString()).isEqualTo(expected);
    }
  }

  private static Set<String> subset(List<String> names, int mask) {
    Set<String> subset = new HashSet<>();
    for (int i = 0; i < names.size(); i++) {
      if ((mask & (1 << i)) != 0) {
        subset.add(names.get(i));
      }
    }
    return subset;
  }
}
