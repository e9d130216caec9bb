package io.scripttask.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class VariablesTest {

  static final Script BACKUP = Script.builder("backup").content("echo $TARGET").build();
  static final Script OTHER = Script.builder("other").content("true").build();
  static final Node DB_1 = Node.of("db-1", "ssh").withGroups(Set.of("db", "prod"));
  static final Node WEB_1 = Node.of("web-1", "ssh").withGroups(Set.of("web"));

  @Nested
  class AVariable {

    @Test
    void factoriesSetScopeAndScopeId() {
      assertThat(Variable.global("A", "1"))
          .isEqualTo(new Variable(VariableScope.GLOBAL, null, "A", "1", false));
      assertThat(Variable.script("backup", "A", "1").scopeId()).isEqualTo("backup");
      assertThat(Variable.group("db", "A", "1").scope()).isEqualTo(VariableScope.GROUP);
      assertThat(Variable.node("db-1", "A", "1").scope()).isEqualTo(VariableScope.NODE);
      assertThat(Variable.global("A", "1").asSecret().secret()).isTrue();
      assertThat(Variable.global("EMPTY", "").value()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1A", "A-B", "A B", "A=B", "\u00c9T\u00c9", "$A", "#A#"})
    void rejectsNamesThatAreNotEnvironmentNames(String name) {
      assertThatThrownBy(() -> Variable.global(name, "v"))
          .isInstanceOfSatisfying(
              ValidationException.class, e -> assertThat(e.field()).isEqualTo("name"))
          .hasMessage("name must match [A-Za-z_][A-Za-z0-9_]*, but was \"" + name + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"A", "_", "_a1", "PATH", "camelCase9"})
    void acceptsEnvironmentNames(String name) {
      assertThat(Variable.global(name, "v").name()).isEqualTo(name);
    }

    @Test
    void scopeIdIsNullExactlyForGlobals() {
      assertThatThrownBy(() -> new Variable(VariableScope.GLOBAL, "x", "A", "1", false))
          .isInstanceOf(ValidationException.class)
          .hasMessage("scopeId must be null for a GLOBAL variable, but was x");
      assertThatThrownBy(() -> new Variable(VariableScope.NODE, null, "A", "1", false))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("scopeId");
      assertThatThrownBy(() -> Variable.group(" ", "A", "1"))
          .isInstanceOf(ValidationException.class)
          .hasMessage("scopeId must not be blank, but was \" \"");
    }

    @Test
    void rejectsValuesNoEnvironmentCanCarry() {
      assertThatThrownBy(() -> Variable.global("A", "a\0b"))
          .isInstanceOf(ValidationException.class)
          .hasMessage(
              "value of A must be text an environment variable can carry, but was a value"
                  + " containing a NUL character");
      assertThatThrownBy(() -> Variable.global("A", "x\uD800").asSecret())
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("unpaired surrogate");
      assertThat(Variable.global("A", "\uD83D\uDE00").value()).isEqualTo("\uD83D\uDE00");
    }

    @Test
    void rejectsNulls() {
      assertThatThrownBy(() -> Variable.global(null, "v")).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> Variable.global("A", null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> new Variable(null, null, "A", "v", false))
          .isInstanceOf(NullPointerException.class);
    }

    @Test
    void toStringMasksSecretValuesOnly() {
      Variable secret = Variable.group("db", "DB_PASSWORD", "hunter2").asSecret();
      Variable plain = Variable.global("REGION", "eu-west-1");

      assertThat(secret)
          .hasToString(
              "Variable[scope=GROUP, scopeId=db, name=DB_PASSWORD, value=***, secret=true]");
      assertThat(secret.toString()).doesNotContain("hunter2");
      assertThat(plain)
          .hasToString(
              "Variable[scope=GLOBAL, scopeId=null, name=REGION, value=eu-west-1, secret=false]");
      assertThat(Variables.of(secret, plain).toString()).doesNotContain("hunter2");
    }
  }

  @Nested
  class Resolving {

    @Test
    void laterScopesWin() {
      Variables variables =
          Variables.of(
              Variable.global("TARGET", "global"),
              Variable.script("backup", "TARGET", "script"),
              Variable.group("db", "TARGET", "group"),
              Variable.node("db-1", "TARGET", "node"),
              Variable.global("ONLY_GLOBAL", "g"),
              Variable.script("backup", "ONLY_SCRIPT", "s"),
              Variable.group("db", "ONLY_GROUP", "gr"));

      assertThat(variables.resolve(BACKUP, DB_1))
          .containsExactly(
              entry("ONLY_GLOBAL", "g"),
              entry("ONLY_GROUP", "gr"),
              entry("ONLY_SCRIPT", "s"),
              entry("TARGET", "node"));
    }

    @Test
    void eachScopeBeatsTheOnesBeforeIt() {
      Variable global = Variable.global("X", "global");
      Variable script = Variable.script("backup", "X", "script");
      Variable group = Variable.group("db", "X", "group");

      assertThat(Variables.of(global).resolve(BACKUP, DB_1)).containsEntry("X", "global");
      assertThat(Variables.of(script, global).resolve(BACKUP, DB_1)).containsEntry("X", "script");
      assertThat(Variables.of(group, script, global).resolve(BACKUP, DB_1))
          .containsEntry("X", "group");
    }

    @Test
    void variablesOfOtherScriptsGroupsAndNodesDoNotApply() {
      Variables variables =
          Variables.of(
              Variable.script("backup", "S", "1"),
              Variable.group("db", "G", "1"),
              Variable.node("db-1", "N", "1"));

      assertThat(variables.resolve(OTHER, WEB_1)).isEmpty();
      assertThat(variables.resolve(BACKUP, WEB_1)).containsOnlyKeys("S");
      assertThat(variables.resolve(OTHER, DB_1)).containsOnlyKeys("G", "N");
    }

    @Test
    void amongSeveralGroupsTheGroupWhoseIdSortsLastWins() {
      Node inThree = Node.of("n", "ssh").withGroups(Set.of("web", "db", "prod"));
      Variables variables =
          Variables.of(
              Variable.group("web", "PORT", "80"),
              Variable.group("db", "PORT", "5432"),
              Variable.group("prod", "PORT", "443"),
              Variable.group("db", "DB_ONLY", "yes"));

      assertThat(variables.resolve(OTHER, inThree)).containsEntry("PORT", "80");
      assertThat(variables.resolve(OTHER, inThree.withGroups(Set.of("db", "prod"))))
          .containsEntry("PORT", "443");
      assertThat(variables.resolve(OTHER, inThree)).containsEntry("DB_ONLY", "yes");
    }

    @Test
    void theOrderVariablesAreGivenInDoesNotMatter() {
      List<Variable> all =
          new ArrayList<>(
              List.of(
                  Variable.global("A", "g"),
                  Variable.script("backup", "A", "s"),
                  Variable.group("db", "A", "db"),
                  Variable.group("prod", "A", "prod"),
                  Variable.group("db", "B", "db"),
                  Variable.group("prod", "B", "prod"),
                  Variable.node("db-1", "C", "n"),
                  Variable.global("C", "g")));
      Map<String, String> expected = Variables.of(all).resolve(BACKUP, DB_1);
      Random random = new Random(42);

      for (int i = 0; i < 50; i++) {
        Collections.shuffle(all, random);
        assertThat(Variables.of(all).resolve(BACKUP, DB_1)).isEqualTo(expected);
      }
      assertThat(expected).containsExactly(entry("A", "prod"), entry("B", "prod"), entry("C", "n"));
    }

    @Test
    void effectiveKeepsTheWinningVariableWithItsSecretFlag() {
      Variables variables =
          Variables.of(
              Variable.global("TOKEN", "public"),
              Variable.node("db-1", "TOKEN", "s3cr3t").asSecret());

      Variable token = variables.effective(BACKUP, DB_1).get("TOKEN");

      assertThat(token.secret()).isTrue();
      assertThat(token.scope()).isEqualTo(VariableScope.NODE);
      assertThat(variables.effective(BACKUP, WEB_1).get("TOKEN").secret()).isFalse();
    }

    @Test
    void resolvedMapsAreSortedAndUnmodifiable() {
      Map<String, String> resolved =
          Variables.of(Variable.global("B", "2"), Variable.global("A", "1")).resolve(BACKUP, DB_1);

      assertThat(resolved.keySet()).containsExactly("A", "B");
      assertThatThrownBy(() -> resolved.put("C", "3"))
          .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void resolvingNothingGivesAnEmptyMap() {
      assertThat(Variables.empty().resolve(BACKUP, DB_1)).isEmpty();
      assertThat(Variables.empty().isEmpty()).isTrue();
    }

    @Test
    void resolveRejectsNulls() {
      assertThatThrownBy(() -> Variables.empty().resolve(null, DB_1))
          .isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> Variables.empty().resolve(BACKUP, null))
          .isInstanceOf(NullPointerException.class);
    }
  }

  @Nested
  class TheSet {

    @Test
    void rejectsTheSameNameTwiceInOneScope() {
      assertThatThrownBy(
              () -> Variables.of(Variable.group("db", "A", "1"), Variable.group("db", "A", "2")))
          .isInstanceOf(ValidationException.class)
          .hasMessage(
              "variables must not define a name twice in one scope, but was GROUP db A twice");
      assertThat(
              Variables.of(Variable.group("db", "A", "1"), Variable.group("web", "A", "2")).size())
          .isEqualTo(2);
    }

    @Test
    void withAddsOrReplaces() {
      Variables one = Variables.of(Variable.global("A", "1"));

      Variables two = one.with(Variable.global("B", "2"));
      Variables replaced = two.with(Variable.global("A", "3").asSecret());

      assertThat(one.size()).isEqualTo(1);
      assertThat(two.list()).extracting(Variable::name).containsExactly("A", "B");
      assertThat(replaced.list())
          .containsExactly(Variable.global("A", "3").asSecret(), Variable.global("B", "2"));
    }

    @Test
    void listsInScopeThenScopeIdThenNameOrder() {
      Variables variables =
          Variables.of(
              Variable.node("n", "A", "1"),
              Variable.group("web", "A", "1"),
              Variable.group("db", "B", "1"),
              Variable.global("Z", "1"),
              Variable.global("A", "1"),
              Variable.script("s", "A", "1"));

      assertThat(variables.list())
          .extracting(v -> v.scope() + ":" + v.scopeId() + ":" + v.name())
          .containsExactly(
              "GLOBAL:null:A",
              "GLOBAL:null:Z",
              "SCRIPT:s:A",
              "GROUP:db:B",
              "GROUP:web:A",
              "NODE:n:A");
      assertThatThrownBy(() -> variables.list().clear())
          .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void equalSetsAreEqualWhateverTheirOrder() {
      Variables a = Variables.of(Variable.global("A", "1"), Variable.node("n", "B", "2"));
      Variables b = Variables.of(Variable.node("n", "B", "2"), Variable.global("A", "1"));

      assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(Variables.empty());
    }

    @Test
    void isImmutable() {
      List<Variable> source = new ArrayList<>(List.of(Variable.global("A", "1")));
      Variables variables = Variables.of(source);
      source.add(Variable.global("B", "2"));

      assertThat(variables.size()).isEqualTo(1);
    }

    @Test
    void rejectsNullVariables() {
      assertThatThrownBy(() -> Variables.of((Variable) null))
          .isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> Variables.empty().with(null))
          .isInstanceOf(NullPointerException.class);
    }
  }

  /** Where placeholders may stand, per shell; the quoting itself is covered by ShellQuotingTest. */
  @Nested
  class Rendering {

    final Map<String, String> values = Map.of("V", "it's", "W", "w");

    String render(String template, Shell shell) {
      return Variables.render(template, shell, values);
    }

    void rejected(String template, Shell shell, String placeholder, String where) {
      assertThatThrownBy(() -> render(template, shell))
          .isInstanceOf(ValidationException.class)
          .hasMessageStartingWith("template placeholder " + placeholder + " must stand where")
          .hasMessageContaining(where);
    }

    @Test
    void aTemplateWithoutPlaceholdersIsReturnedAsIs() {
      String template = "echo \"$HOME\" # ${x##*/} $# ## #1# #-x#";

      assertThat(render(template, Shell.SH)).isSameAs(template);
    }

    @Test
    void anUnknownPlaceholderInCodeIsRejectedByName() {
      assertThatThrownBy(() -> render("echo #V# #NOPE#", Shell.SH))
          .isInstanceOf(ValidationException.class)
          .hasMessage(
              "template placeholder must name a variable, but was #NOPE# (unknown) at line 1,"
                  + " column 10");
      for (Shell shell : Shell.values()) {
        assertThatThrownBy(() -> render("x = #NOPE#", shell))
            .isInstanceOf(ValidationException.class)
            .hasMessageContaining("#NOPE#");
      }
    }

    @Test
    void doubleHashHasNoSpecialMeaning() {
      assertThat(render("echo ${p##*/} a##b #V#", Shell.SH))
          .isEqualTo("echo ${p##*/} a##b 'it'\\''s'");
      // at the start of a word, ## is a comment like any #
      assertThat(render("echo #V# ## #V#", Shell.SH)).isEqualTo("echo 'it'\\''s' ## #V#");
      assertThat(render("echo $# #V#", Shell.SH)).isEqualTo("echo $# 'it'\\''s'");
    }

    @Test
    void placeholdersAdjacentToTextJoinTheWord() {
      assertThat(render("--name=#V#.txt", Shell.SH)).isEqualTo("--name='it'\\''s'.txt");
      assertThat(render("#V##W#", Shell.BASH)).isEqualTo("'it'\\''s''w'");
    }

    @Test
    void shLeavesCommentsAlone() {
      assertThat(render("#!/bin/sh\n# uses #V#\necho #W# # and #V# again\n", Shell.SH))
          .isEqualTo("#!/bin/sh\n# uses #V#\necho 'w' # and #V# again\n");
      assertThat(render("echo a#b #W#", Shell.SH)).isEqualTo("echo a#b 'w'");
    }

    @Test
    void shRejectsPlaceholdersInsideQuotes() {
      rejected("echo '#V#'", Shell.SH, "#V#", "inside a single-quoted string at line 1, column 7");
      rejected("echo \"x #V#\"", Shell.SH, "#V#", "inside a double-quoted string");
      rejected("echo $'#V#'", Shell.BASH, "#V#", "inside a $'...' string");
      rejected("echo ${x:-#V#}", Shell.SH, "#V#", "inside a parameter expansion");
      rejected("echo `echo #V#`", Shell.SH, "#V#", "use $(...) instead");
      rejected("echo $((#V# + 1))", Shell.SH, "#V#", "arithmetic");
      assertThat(render("echo \"#other#\" '#x#' #W#", Shell.SH))
          .isEqualTo("echo \"#other#\" '#x#' 'w'");
    }

    @Test
    void shMessagesSayWhereThePlaceholderIs() {
      assertThatThrownBy(() -> render("echo ok\n  echo \"#V#\"", Shell.SH))
          .hasMessage(
              "template placeholder #V# must stand where sh reads code, outside quotes (the value"
                  + " is quoted for you), but was inside a double-quoted string at line 2,"
                  + " column 9");
    }

    @Test
    void shReplacesInsideCommandSubstitutionEvenWithinDoubleQuotes() {
      assertThat(render("echo \"$(echo #V#)\" \"$( (echo #W#) )\"", Shell.SH))
          .isEqualTo("echo \"$(echo 'it'\\''s')\" \"$( (echo 'w') )\"");
      rejected("echo \"$(echo x) #V#\"", Shell.SH, "#V#", "double-quoted");
    }

    @Test
    void shTracksHereDocuments() {
      rejected("cat <<EOF\n#V#\nEOF\n", Shell.SH, "#V#", "here-document at line 2");
      rejected("cat <<'EOF'\n#V#\nEOF\n", Shell.SH, "#V#", "here-document");
      rejected("cat <<-EOF\n\tx\n\t#V#\n\tEOF\n", Shell.SH, "#V#", "here-document");
      rejected("cat <<EOF; echo #W#\nline \\\nEOF\n#V#\nEOF\n", Shell.SH, "#V#", "here-document");
      assertThat(render("cat <<EOF; echo #W#\nbody #x#\nEOF\necho #V#\n", Shell.SH))
          .isEqualTo("cat <<EOF; echo 'w'\nbody #x#\nEOF\necho 'it'\\''s'\n");
      assertThat(render("cat <<< #W#", Shell.BASH)).isEqualTo("cat <<< 'w'");
    }

    @Test
    void shRefusesConstructsItCannotFollow() {
      assertThatThrownBy(() -> render("x=$(case a in a) echo 1;; esac)\necho #V#", Shell.SH))
          .isInstanceOf(ValidationException.class)
          .hasMessageStartingWith("template must not use case inside $(...)");
      assertThatThrownBy(() -> render("echo $'a\\'b'\necho #V#", Shell.SH))
          .isInstanceOf(ValidationException.class)
          .hasMessageStartingWith("template must not use \\' inside $'...' for sh");
      assertThat(render("echo $'a\\'b'\necho #V#", Shell.BASH))
          .isEqualTo("echo $'a\\'b'\necho 'it'\\''s'");
      assertThat(render("case x in a) echo #W#;; esac", Shell.SH))
          .isEqualTo("case x in a) echo 'w';; esac");
    }

    @Test
    void powerShellReplacesInCodeAndSubexpressions() {
      assertThat(render("Write-Output #V#", Shell.POWERSHELL)).isEqualTo("Write-Output 'it''s'");
      assertThat(render("$x = #V#; Write-Output \"v: $(#W#)\"", Shell.POWERSHELL))
          .isEqualTo("$x = 'it''s'; Write-Output \"v: $('w')\"");
      assertThat(render("f -Items @(#W#,#V#)", Shell.POWERSHELL))
          .isEqualTo("f -Items @('w','it''s')");
    }

    @Test
    void powerShellLeavesCommentsAlone() {
      assertThat(render("# uses #V#\n<# block\n #V# #>\nWrite-Output #W# # #V#", Shell.POWERSHELL))
          .isEqualTo("# uses #V#\n<# block\n #V# #>\nWrite-Output 'w' # #V#");
    }

    @Test
    void powerShellRejectsPlaceholdersInsideStringsAndOddPlaces() {
      rejected("Write-Output 'a #V#'", Shell.POWERSHELL, "#V#", "single-quoted");
      rejected("Write-Output \u2018a #V#\u2019", Shell.POWERSHELL, "#V#", "single-quoted");
      rejected("Write-Output \"a #V#\"", Shell.POWERSHELL, "#V#", "double-quoted");
      rejected("$s = @'\n#V#\n'@\n", Shell.POWERSHELL, "#V#", "here-string");
      rejected("$s = @\"\n#V#\n\"@\n", Shell.POWERSHELL, "#V#", "here-string");
      rejected("${#V#}", Shell.POWERSHELL, "#V#", "braced variable");
      rejected("icacls --% #V#", Shell.POWERSHELL, "#V#", "stop-parsing");
      rejected("Write-Output x#V#", Shell.POWERSHELL, "#V#", "directly after 'x'");
      rejected("Write-Output #V#'x'", Shell.POWERSHELL, "#V#", "before a single quote");
      rejected("Write-Output @#V#", Shell.POWERSHELL, "#V#", "directly after '@'");
      rejected("Write-Output #V##W#", Shell.POWERSHELL, "#W#", "directly after");
    }

    @Test
    void pythonReplacesInCodeOnly() {
      assertThat(render("x = #V#  # not #V#\nprint(x, #W#)", Shell.PYTHON))
          .isEqualTo("x = 'it\\'s'  # not #V#\nprint(x, 'w')");
      assertThat(render("print('a' #W#)", Shell.PYTHON)).isEqualTo("print('a' 'w')");
    }

    @Test
    void pythonRejectsPlaceholdersInStringsAndAfterNames() {
      rejected("print('#V#')", Shell.PYTHON, "#V#", "string literal");
      rejected("print(\"\"\"\n#V#\n\"\"\")", Shell.PYTHON, "#V#", "string literal");
      rejected("print(r'\\'#V#')", Shell.PYTHON, "#V#", "string literal");
      rejected("print(f'{#V#}')", Shell.PYTHON, "#V#", "f-string");
      rejected("print(f'{x:{#V#}}')", Shell.PYTHON, "#V#", "f-string");
      rejected("print(F\"a #V#\")", Shell.PYTHON, "#V#", "f-string");
      rejected("print(f#V#)", Shell.PYTHON, "#V#", "string prefix");
      rejected("print(rb#V#)", Shell.PYTHON, "#V#", "string prefix");
      assertThat(render("print(f'{x!r:>{w}}', #W#)", Shell.PYTHON))
          .isEqualTo("print(f'{x!r:>{w}}', 'w')");
      assertThat(render("print(f'{\"}\"}', #W#)", Shell.PYTHON))
          .isEqualTo("print(f'{\"}\"}', 'w')");
    }

    @Test
    void cmdReplacesOutsideQuotesOnly() {
      assertThat(render("echo #W# \"#x#\" ^\"#W#", Shell.CMD))
          .isEqualTo("echo \"w\" \"#x#\" ^\"\"w\"");
      rejected("echo \"a #W#\"", Shell.CMD, "#W#", "double-quoted");
      rejected("echo %#W#%", Shell.CMD, "#W#", "directly after '%'");
      rejected("echo !#W#!", Shell.CMD, "#W#", "directly after '!'");
      assertThat(render("echo \"a\nb #W#", Shell.CMD)).isEqualTo("echo \"a\nb \"w\"");
      assertThat(render("echo ^#W#", Shell.CMD)).isEqualTo("echo ^#W#");
    }

    @Test
    void renderRejectsNulls() {
      assertThatThrownBy(() -> Variables.render(null, Shell.SH, values))
          .isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> Variables.render("x", null, values))
          .isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> Variables.render("x", Shell.SH, null))
          .isInstanceOf(NullPointerException.class);
      Map<String, String> withNull = new HashMap<>();
      withNull.put("A", null);
      assertThatThrownBy(() -> Variables.render("#A#", Shell.SH, withNull))
          .isInstanceOf(NullPointerException.class);
    }

    @Test
    void rendersResolvedVariables() {
      Variables variables =
          Variables.of(Variable.global("TARGET", "/tmp"), Variable.node("db-1", "TARGET", "/data"));

      String script =
          Variables.render(
              "tar czf backup.tgz #TARGET#", Shell.SH, variables.resolve(BACKUP, DB_1));

      assertThat(script).isEqualTo("tar czf backup.tgz '/data'");
    }
  }
}
