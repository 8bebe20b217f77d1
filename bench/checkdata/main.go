// Command checkdata writes a synthetic input document for the check
// benchmark: N resources spread over the record types the built-in checks
// read, with a few percent of them failing, as the JSON document a check
// run evaluates (input.aws.iam_user, input.vulnerability, ...). The same
// file feeds `attest check run --input` and `conftest test`.
//
//	go run ./bench/checkdata -n 100000 > input.json
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"time"
)

// main is long because it is one generator: each system's records are a
// loop over the same shared random source and helpers, and their order
// fixes the output for a given -n (the benchmark's data must not change).
func main() {
	n := flag.Int("n", 100000, "resources to generate")
	flag.Parse()
	r := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	ago := func(days int) string { return base.AddDate(0, 0, -days).Format(time.RFC3339) }
	day := func(days int) string { return base.AddDate(0, 0, -days).Format(time.DateOnly) }
	bad := func() bool { return r.IntN(100) < 3 }
	share := func(pct int) int { return *n * pct / 100 }

	var iam, idp, hr, repos, prot, k8s, vulns, cfg, tf, prowler []any
	for i := range share(8) {
		iam = append(iam, map[string]any{"_id": fmt.Sprintf("user-%d", i), "user": fmt.Sprintf("user-%d", i), "root": i == 0,
			"password_enabled": i%3 != 0, "mfa_active": !bad(), "password_last_used": ago(r.IntN(40)),
			"user_creation_time": ago(400), "access_key_1_active": i%2 == 0, "access_key_1_last_rotated": ago(r.IntN(95)),
			"access_key_1_last_used_date": ago(r.IntN(50)), "access_key_2_active": false, "access_key_2_last_rotated": nil,
			"access_key_2_last_used_date": nil})
	}
	for i := range share(13) {
		email := fmt.Sprintf("person%d@example.com", i)
		status, end := "active", any(nil)
		if i%10 == 0 {
			status, end = "terminated", day(30+r.IntN(200))
		}
		hr = append(hr, map[string]any{"_id": fmt.Sprintf("E%06d", i), "employee_id": fmt.Sprintf("E%06d", i), "email": email,
			"name": fmt.Sprintf("Person %d", i), "status": status, "start_date": day(900), "end_date": end, "worker_type": "employee"})
		ustatus := "active"
		if status == "terminated" && !bad() {
			ustatus = "deprovisioned"
		}
		idp = append(idp, map[string]any{"_id": fmt.Sprintf("00u%07d", i), "login": email, "email": email, "status": ustatus,
			"last_login": ago(r.IntN(100)), "activated": ago(800), "status_changed": ago(r.IntN(200)), "created": ago(900)})
	}
	for i := range share(2) {
		name := fmt.Sprintf("acme/service-%d", i)
		repos = append(repos, map[string]any{"_id": name, "name": name, "default_branch": "main", "private": true, "archived": false})
		prot = append(prot, map[string]any{"_id": name + "@main", "repository": name, "branch": "main", "protected": !bad(),
			"required_approving_review_count": 1 + r.IntN(2), "dismiss_stale_reviews": !bad(), "require_code_owner_reviews": true,
			"required_status_checks": []any{"ci"}, "strict_status_checks": true, "enforce_admins": !bad(),
			"allow_force_pushes": bad(), "allow_deletions": false, "required_linear_history": true, "required_signatures": false})
	}
	for i := range share(20) {
		ns := fmt.Sprintf("team-%d", i%200)
		var obj map[string]any
		switch {
		case i < 200:
			obj = map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": ns,
				"labels": map[string]any{"pod-security.kubernetes.io/enforce": map[bool]string{true: "baseline", false: "restricted"}[bad()]}}}
		case i < 400:
			obj = map[string]any{"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": map[string]any{"name": "default-deny", "namespace": ns},
				"spec": map[string]any{"podSelector": map[string]any{}, "policyTypes": []any{"Ingress"}}}
		default:
			tag := "1.2.3"
			if bad() {
				tag = "latest"
			}
			obj = map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": fmt.Sprintf("app-%d", i), "namespace": ns},
				"spec": map[string]any{"template": map[string]any{"spec": map[string]any{
					"securityContext": map[string]any{"runAsNonRoot": !bad()},
					"containers": []any{map[string]any{"name": "app", "image": "registry.example.com/app:" + tag,
						"securityContext": map[string]any{"privileged": bad(), "allowPrivilegeEscalation": false},
						"resources":       map[string]any{"limits": map[string]any{"cpu": "1", "memory": "1Gi"}}}}}}}}
		}
		md := obj["metadata"].(map[string]any)
		name, _ := md["name"].(string)
		nsv, _ := md["namespace"].(string)
		k8s = append(k8s, map[string]any{"_id": fmt.Sprintf("%s/%s/%s", obj["kind"], nsv, name), "kind": obj["kind"], "api_version": obj["apiVersion"],
			"name": name, "namespace": nsv, "labels": md["labels"], "annotations": nil, "object": obj})
	}
	sev := []string{"critical", "high", "medium", "low"}
	for i := range share(24) {
		s := sev[r.IntN(4)]
		fixed := ""
		if r.IntN(2) == 0 {
			fixed = "9.9.9"
		}
		target := fmt.Sprintf("registry.example.com/app-%d:1.2.3", i%500)
		vulns = append(vulns, map[string]any{"_id": fmt.Sprintf("CVE-2026-%05d/pkg%d/%s", i, i%50, target), "id": fmt.Sprintf("CVE-2026-%05d", i),
			"package": fmt.Sprintf("pkg%d", i%50), "installed": "1.0.0", "fixed": fixed, "severity": s,
			"published": ago(r.IntN(60)), "target": target, "artifact": target, "scanner": "trivy"})
	}
	types := []string{"AWS::S3::Bucket", "AWS::RDS::DBInstance", "AWS::EC2::Volume", "AWS::EC2::SecurityGroup", "AWS::KMS::Key"}
	for i := range share(10) {
		t := types[i%len(types)]
		id := fmt.Sprintf("res-%d", i)
		conf := map[string]any{}
		supp := map[string]any{}
		switch t {
		case "AWS::S3::Bucket":
			if !bad() {
				supp["ServerSideEncryptionConfiguration"] = map[string]any{"rules": []any{map[string]any{"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "aws:kms"}}}}
			}
			supp["PublicAccessBlockConfiguration"] = map[string]any{"blockPublicAcls": true, "ignorePublicAcls": true, "blockPublicPolicy": !bad(), "restrictPublicBuckets": true}
		case "AWS::RDS::DBInstance":
			conf = map[string]any{"storageEncrypted": !bad(), "backupRetentionPeriod": 7 + r.IntN(10), "multiAZ": !bad()}
		case "AWS::EC2::Volume":
			conf = map[string]any{"encrypted": !bad()}
		case "AWS::EC2::SecurityGroup":
			port := 443
			if bad() {
				port = 22
			}
			conf = map[string]any{"groupId": id, "ipPermissions": []any{map[string]any{"ipProtocol": "tcp", "fromPort": port, "toPort": port,
				"ipRanges": []any{"0.0.0.0/0"}, "ipv4Ranges": []any{map[string]any{"cidrIp": "0.0.0.0/0"}}}}}
		case "AWS::KMS::Key":
			conf = map[string]any{"keyManager": "CUSTOMER", "keyState": "Enabled"}
			supp["KeyRotationStatus"] = !bad()
		}
		arn := fmt.Sprintf("arn:aws:x:eu-west-1:123456789012:%s", id)
		cfg = append(cfg, map[string]any{"_id": arn, "resource_type": t, "resource_id": id, "resource_name": id, "arn": arn,
			"account_id": "123456789012", "region": "eu-west-1", "status": "OK", "capture_time": ago(1),
			"configuration": conf, "supplementary_configuration": supp, "tags": map[string]any{}})
	}
	for i := range share(5) {
		addr := fmt.Sprintf("aws_db_instance.db_%d", i)
		tf = append(tf, map[string]any{"_id": addr, "address": addr, "type": "aws_db_instance", "name": fmt.Sprintf("db_%d", i), "mode": "managed",
			"provider": "registry.terraform.io/hashicorp/aws", "module": "", "actions": []any{"no-op"},
			"values": map[string]any{"storage_encrypted": !bad(), "backup_retention_period": 7, "multi_az": true}})
	}
	for i := range share(3) {
		status := "PASS"
		if bad() {
			status = "FAIL"
		}
		prowler = append(prowler, map[string]any{"_id": fmt.Sprintf("prowler-%d", i), "check_id": "s3_bucket_default_encryption",
			"title": "bucket encryption", "status": map[string]string{"PASS": "pass", "FAIL": "fail"}[status], "severity": sev[i%4],
			"provider": "aws", "service": "s3", "resource_uid": fmt.Sprintf("arn:aws:s3:::b-%d", i), "resource_name": fmt.Sprintf("b-%d", i),
			"resource_type": "AwsS3Bucket", "region": "eu-west-1", "account": "123456789012", "message": "", "compliance": map[string]any{}, "time": ago(1)})
	}
	doc := map[string]any{
		"_attest":       map[string]any{"document": "check input", "version": 1},
		"aws":           map[string]any{"iam_user": iam, "config_item": cfg},
		"idp":           map[string]any{"user": idp},
		"hr":            map[string]any{"employee": hr},
		"github":        map[string]any{"repository": repos, "branch_protection": prot},
		"k8s":           map[string]any{"object": k8s},
		"vulnerability": vulns,
		"terraform":     map[string]any{"resource": tf},
		"prowler":       map[string]any{"finding": prowler},
	}
	w := bufio.NewWriter(os.Stdout)
	if err := json.NewEncoder(w).Encode(doc); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	w.Flush()
	fmt.Fprintf(os.Stderr, "%d resources\n", len(iam)+len(idp)+len(hr)+len(repos)+len(prot)+len(k8s)+len(vulns)+len(cfg)+len(tf)+len(prowler))
}
