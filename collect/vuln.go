package collect

import (
	"encoding/json"
	"io"
	"strings"
)

// Vulnerability records from both scanners share one shape, type
// "vulnerability": id, package, installed, fixed (empty when no fix),
// severity (lowercase), published (RFC 3339 or null), target and scanner.

// Trivy reads a Trivy JSON report (schema version 2).
func Trivy(name string, r io.Reader) (*Result, error) {
	var rep struct {
		SchemaVersion int
		ArtifactName  string
		Results       []struct {
			Target          string
			Vulnerabilities []struct {
				VulnerabilityID  string
				PkgName          string
				InstalledVersion string
				FixedVersion     string
				Severity         string
				PublishedDate    string
			}
		}
	}
	if err := json.NewDecoder(r).Decode(&rep); err != nil {
		return nil, &jsonError{name, err}
	}
	res := &Result{Records: []Record{}, Problems: []Problem{}}
	if rep.SchemaVersion != 2 {
		res.problem(name, 0, "schema version %d: read as version 2, check the results", rep.SchemaVersion)
	}
	for _, t := range rep.Results {
		for _, v := range t.Vulnerabilities {
			if v.VulnerabilityID == "" {
				res.problem(name, 0, "a vulnerability in %s has no id", t.Target)
				continue
			}
			pub, ok := timeOf(v.PublishedDate)
			res.Records = append(res.Records, Record{Type: "vulnerability", ID: v.VulnerabilityID + "/" + v.PkgName + "/" + t.Target, Source: name, Fields: map[string]any{
				"id": v.VulnerabilityID, "package": v.PkgName, "installed": v.InstalledVersion, "fixed": v.FixedVersion,
				"severity": strings.ToLower(v.Severity), "published": stamp(pub, ok), "target": t.Target, "artifact": rep.ArtifactName, "scanner": "trivy",
			}})
		}
	}
	return res, nil
}

// Grype reads a Grype JSON report.
func Grype(name string, r io.Reader) (*Result, error) {
	var rep struct {
		Matches []struct {
			Vulnerability struct {
				ID       string
				Severity string
				Fix      struct {
					Versions []string
					State    string
				}
			}
			Artifact struct {
				Name    string
				Version string
			}
		}
		Source struct {
			Target json.RawMessage
		}
	}
	if err := json.NewDecoder(r).Decode(&rep); err != nil {
		return nil, &jsonError{name, err}
	}
	target := targetName(rep.Source.Target)
	res := &Result{Records: []Record{}, Problems: []Problem{}}
	for i, m := range rep.Matches {
		if m.Vulnerability.ID == "" {
			res.problem(name, 0, "match %d has no vulnerability id", i+1)
			continue
		}
		fixed := ""
		if len(m.Vulnerability.Fix.Versions) > 0 {
			fixed = m.Vulnerability.Fix.Versions[0]
		}
		res.Records = append(res.Records, Record{Type: "vulnerability", ID: m.Vulnerability.ID + "/" + m.Artifact.Name + "/" + target, Source: name, Fields: map[string]any{
			"id": m.Vulnerability.ID, "package": m.Artifact.Name, "installed": m.Artifact.Version, "fixed": fixed,
			"severity": strings.ToLower(m.Vulnerability.Severity), "published": nil, "target": target, "artifact": target, "scanner": "grype",
		}})
	}
	return res, nil
}

// targetName reads Grype's source target: a string, or an object with a
// userInput field.
func targetName(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var o struct {
		UserInput string `json:"userInput"`
	}
	json.Unmarshal(raw, &o)
	return o.UserInput
}
