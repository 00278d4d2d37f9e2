package io.onescaphandre.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The operator's cluster-wide grants: exactly the verbs it needs on each resource, nothing more.
 */
class RbacTest {

  private static final Set<String> CRUD =
      Set.of("get", "list", "watch", "create", "update", "patch", "delete");

  private static ClusterRole role;

  @BeforeAll
  static void render() {
    RenderedChart chart = RenderedChart.renderDefaults();
    role = chart.only(ClusterRole.class);
    ClusterRoleBinding binding = chart.only(ClusterRoleBinding.class);
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            subject -> {
              assertThat(subject.getKind()).isEqualTo("ServiceAccount");
              assertThat(subject.getName()).isEqualTo("energy-one-scaphandre");
              assertThat(subject.getNamespace()).isEqualTo(RenderedChart.NAMESPACE);
            });
  }

  @ParameterizedTest(name = "{0}/{1}: {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "one-scaphandre.io     | scaphandremonitors            | get list watch patch update",
        "one-scaphandre.io     | scaphandremonitors/status     | get patch update",
        "one-scaphandre.io     | scaphandremonitors/finalizers | update",
        "apps                  | daemonsets                    | get list watch create update patch delete",
        "''                    | serviceaccounts               | get list watch create update patch delete",
        "''                    | configmaps                    | get list watch create update patch delete",
        "''                    | pods                          | get list watch",
        "''                    | nodes                         | get list watch patch",
        "''                    | secrets                       | get",
        "''                    | events                        | create patch",
        "events.k8s.io         | events                        | create patch",
        "monitoring.coreos.com | podmonitors                   | get list watch create update patch delete",
        "monitoring.coreos.com | scrapeconfigs                 | get list watch create update patch delete",
        "monitoring.coreos.com | prometheusrules               | get list watch create update patch delete",
        "apiextensions.k8s.io  | customresourcedefinitions     | get list watch",
      })
  void grantsExactlyTheseVerbs(String apiGroup, String resource, String verbs) {
    assertThat(verbsOn(apiGroup, resource))
        .containsExactlyInAnyOrderElementsOf(List.of(verbs.split(" ")));
  }

  @Test
  void grantsNothingElse() {
    assertThat(role.getRules())
        .allSatisfy(
            rule -> {
              assertThat(rule.getResourceNames()).isNullOrEmpty();
              assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
              assertThat(rule.getVerbs())
                  .isSubsetOf(CRUD)
                  .doesNotContain("*", "deletecollection", "escalate", "bind", "impersonate");
              assertThat(rule.getResources()).doesNotContain("*");
              assertThat(rule.getApiGroups()).doesNotContain("*");
            });
    Set<String> granted = new TreeSet<>();
    role.getRules()
        .forEach(
            rule ->
                rule.getApiGroups()
                    .forEach(
                        group ->
                            rule.getResources()
                                .forEach(resource -> granted.add(group + "/" + resource))));
    assertThat(granted)
        .containsExactlyInAnyOrder(
            "one-scaphandre.io/scaphandremonitors",
            "one-scaphandre.io/scaphandremonitors/status",
            "one-scaphandre.io/scaphandremonitors/finalizers",
            "apps/daemonsets",
            "/serviceaccounts",
            "/configmaps",
            "/pods",
            "/nodes",
            "/secrets",
            "/events",
            "events.k8s.io/events",
            "monitoring.coreos.com/podmonitors",
            "monitoring.coreos.com/scrapeconfigs",
            "monitoring.coreos.com/prometheusrules",
            "apiextensions.k8s.io/customresourcedefinitions");
  }

  @Test
  void secretsCanBeReadOneByOneButNeverListedNorWatched() {
    assertThat(verbsOn("", "secrets")).doesNotContain("list", "watch");
  }

  @Test
  void everyRuleSaysWhyItIsThere() {
    String clusterRole =
        RenderedChart.renderDefaults()
            .manifests()
            .split("# Source: one-scaphandre/templates/clusterrole.yaml")[1]
            .split("\n---")[0];
    long rules =
        clusterRole.lines().filter(line -> line.stripLeading().startsWith("- apiGroups:")).count();
    long commentedRules = 0;
    List<String> lines = clusterRole.lines().toList();
    for (int i = 1; i < lines.size(); i++) {
      if (lines.get(i).stripLeading().startsWith("- apiGroups:")
          && lines.get(i - 1).stripLeading().startsWith("#")) {
        commentedRules++;
      }
    }
    assertThat(rules).isEqualTo(role.getRules().size());
    assertThat(commentedRules).isEqualTo(rules);
  }

  /** Union of the verbs of every rule naming this group and resource. */
  private static Set<String> verbsOn(String apiGroup, String resource) {
    Set<String> verbs = new TreeSet<>();
    for (PolicyRule rule : role.getRules()) {
      if (rule.getApiGroups().contains(apiGroup) && rule.getResources().contains(resource)) {
        verbs.addAll(rule.getVerbs());
      }
    }
    return verbs;
  }
}
