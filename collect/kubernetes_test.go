package collect

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestKubernetesSamples(t *testing.T) {
	files, err := filepath.Glob(samples + "kubernetes/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatal("no samples", err)
	}
	all := map[string]Record{}
	for _, file := range files {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Kubernetes(filepath.Base(file), f)
		f.Close()
		if err != nil || len(res.Problems) != 0 {
			t.Fatalf("%s: %v %v", file, err, res.Problems)
		}
		sane(t, res, "k8s.object")
		for _, r := range res.Records {
			all[r.Source+" "+r.ID] = r
		}
	}
	if len(all) != 19 {
		t.Errorf("%d records", len(all))
	}
	tests := []struct {
		key  string
		line int
		want map[string]any
	}{
		{"examples__archived_elasticsearch_rbac.yaml RoleBinding//elasticsearch", 14, map[string]any{
			"kind": "RoleBinding", "api_version": "rbac.authorization.k8s.io/v1", "name": "elasticsearch", "namespace": nil, "labels": nil,
		}},
		{"examples__archived_podsecuritypolicy_rbac_bindings.yaml ClusterRoleBinding//edit", 36, nil},
		{"examples_databases_cassandra_cassandra-statefulset.yaml StorageClass//fast", 109, map[string]any{"api_version": "storage.k8s.io/v1"}},
		{"examples_web_guestbook_all-in-one_guestbook-all-in-one.yaml Deployment//frontend", 117, map[string]any{"labels": nil}},
		{"website_networkpolicy.yaml NetworkPolicy/default/test-network-policy", 1, map[string]any{"namespace": "default"}},
		// Flow style, with trailing commas.
		{"website_podsecurity-restricted.yaml Namespace//my-restricted-namespace", 2, map[string]any{"labels": map[string]any{
			"pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "latest",
			"pod-security.kubernetes.io/warn": "restricted", "pod-security.kubernetes.io/warn-version": "latest",
		}}},
		{"website_network-policy-default-deny-all.yaml NetworkPolicy//default-deny-all", 2, nil},
	}
	for _, tt := range tests {
		r, ok := all[tt.key]
		if !ok {
			t.Errorf("no %s", tt.key)
			continue
		}
		if r.Line != tt.line {
			t.Errorf("%s on line %d, want %d", tt.key, r.Line, tt.line)
		}
		check(t, r, tt.want)
	}
	deny := all["website_network-policy-default-deny-all.yaml NetworkPolicy//default-deny-all"].Fields["object"].(map[string]any)
	if types := deny["spec"].(map[string]any)["policyTypes"]; len(types.([]any)) != 2 {
		t.Errorf("policyTypes %v", types)
	}
}

func TestKubernetesEdges(t *testing.T) {
	f, err := os.Open("testdata/manifests.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := Kubernetes("manifests.yaml", f)
	if err != nil {
		t.Fatal(err)
	}
	byID := records(t, res)
	lines := map[string]int{
		"ServiceAccount/ci/deployer": 8, "ClusterRoleBinding//deployer-admin": 13, "Pod/shop/web-1": 22,
		"Secret/shop/2024": 37, "Deployment/shop/api": 42, "IPAllowList//office": 52,
	}
	if len(byID) != len(lines) {
		t.Errorf("records %v", res.Records)
	}
	for id, line := range lines {
		if r, ok := byID[id]; !ok || r.Line != line {
			t.Errorf("%s: line %d, want %d", id, r.Line, line)
		}
	}
	check(t, byID["Pod/shop/web-1"], map[string]any{"kind": "Pod", "api_version": "v1", "annotations": map[string]any{"released": "2024-05-01"}})
	check(t, byID["Secret/shop/2024"], map[string]any{"name": "2024"})
	check(t, byID["Deployment/shop/api"], map[string]any{"labels": map[string]any{"app": "api"}})
	if len(res.Problems) != 2 || res.Problems[0].Line != 29 || !strings.HasPrefix(res.Problems[0].Detail, "the document does not parse: did not find expected ','") ||
		res.Problems[1].Line != 35 || !strings.Contains(res.Problems[1].Detail, "not a mapping") {
		t.Errorf("problems %v", res.Problems)
	}
}

func TestKubernetesJSON(t *testing.T) {
	f, err := os.Open("testdata/manifests.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := Kubernetes("manifests.json", f)
	if err != nil || len(res.Problems) != 0 {
		t.Fatal(err, res.Problems)
	}
	byID := records(t, res)
	if len(byID) != 3 || byID["Service/shop/db"].Line != 5 || byID["Service/shop/lb"].Line != 6 || byID["Namespace//shop"].Line != 9 {
		t.Errorf("records %v", res.Records)
	}
}

func FuzzKubernetes(f *testing.F) {
	for _, file := range []string{"testdata/manifests.yaml", "testdata/manifests.json", samples + "kubernetes/website_podsecurity-restricted.yaml"} {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data))
	}
	f.Add("a: &a [*a]\n---\n%YAML 1.2\n---\n? [x]\n: y\n")
	f.Fuzz(func(t *testing.T, in string) {
		res, err := Kubernetes("fuzz.yaml", strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		sane(t, res, "k8s.object")
		// YAML breaks lines at LF, CRLF and a lone CR alike.
		lines := strings.Count(strings.ReplaceAll(in, "\r\n", "\n"), "\n") + strings.Count(strings.ReplaceAll(in, "\r\n", "\n"), "\r") + 1
		for _, p := range res.Problems {
			if p.Line < 1 || p.Line > lines {
				t.Fatalf("problem %v outside the input's %d lines", p, lines)
			}
		}
	})
}
