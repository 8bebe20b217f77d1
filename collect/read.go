package collect

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/attest-dev/attest/internal/fileerr"
)

// Format is an export format Attest reads.
type Format struct {
	Name        string `json:"name"`        // as a command line names it, such as "aws-config"
	Description string `json:"description"` // one line, for help and documentation
	read        func(name string, r io.Reader) (*Result, error)
}

// Read reads r, named name, as f.
func (f Format) Read(name string, r io.Reader) (*Result, error) { return f.read(name, r) }

var formats = []Format{
	{"aws-iam-credential-report", "AWS IAM credential report (CSV)", IAMCredentialReport},
	{"aws-config", "AWS Config configuration items and rule results: history and snapshot files, API output, SNS notifications, EventBridge and custom rule events (JSON)", AWSConfig},
	{"okta-users", "Okta users, as GET /api/v1/users returns them (JSON)", OktaUsers},
	{"hr-roster", "HR roster with employee_id, email and status columns (CSV)", HRRoster},
	{"github-repositories", "GitHub repositories, as GET /orgs/{org}/repos returns them (JSON)", GitHubRepositories},
	{"github-branch-protection", "GitHub branch protection answers, or recorded API exchanges that hold them (JSON)", GitHubBranchProtection},
	{"kubernetes", "Kubernetes manifests, one or many documents, Lists included (YAML or JSON)", Kubernetes},
	{"prowler", "Prowler findings (OCSF JSON, or CSV separated by semicolons)", Prowler},
	{"trivy", "Trivy vulnerability report, schema version 2 (JSON)", Trivy},
	{"grype", "Grype vulnerability report (JSON)", Grype},
	{"terraform-plan", "Terraform plan, as terraform show -json prints it (JSON)", TerraformPlan},
	{"attest-input", "a check run's input document, as Attest keeps it beside the run (JSON)", InputDocument},
}

// Formats lists the formats Read recognises.
func Formats() []Format { return slices.Clone(formats) }

// FormatNamed is the format called name; ok is false if there is none.
func FormatNamed(name string) (Format, bool) {
	i := slices.IndexFunc(formats, func(f Format) bool { return f.Name == name })
	if i < 0 {
		return Format{}, false
	}
	return formats[i], true
}

// Read reads r, named name, in whichever format its content (and, when the
// content leaves it open, its name's extension) shows it to be. Content in
// no format Attest reads is a problem, not an error; an error means the
// file is in a known format but could not be read as a whole. Without a
// name, problems name the input "(unnamed input)".
func Read(name string, r io.Reader) (*Result, error) {
	if name == "" {
		name = "(unnamed input)"
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	f, detail := detect(name, data)
	if f.read != nil {
		return f.read(name, bytes.NewReader(data))
	}
	if detail == "" {
		names := make([]string, len(formats))
		for i, f := range formats {
			names[i] = f.Name
		}
		detail = "not a format Attest reads; expected one of " + strings.Join(names, ", ")
	}
	res := newResult()
	res.problem(name, 0, "%s", detail)
	return res, nil
}

// nothing is the format of a JSON document with nothing in it ("[]"),
// which any of several formats could be.
var nothing = Format{Name: "empty", read: func(string, io.Reader) (*Result, error) { return newResult(), nil }}

// ReadDir reads every regular file under dir, in lexical order, leaving
// out hidden files and directories (names starting with a dot), and
// merges what it read. A file in no known format, or one that cannot be
// read, is a problem; ReadDir goes on with the others.
func ReadDir(dir string) (*Result, error) {
	all := newResult()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == dir {
				return err
			}
			all.Problems = append(all.Problems, problemOf(path, err))
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") && path != dir {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		res, err := readFile(path)
		if err != nil {
			all.Problems = append(all.Problems, problemOf(path, err))
			return nil
		}
		all.Records = append(all.Records, res.Records...)
		all.Problems = append(all.Problems, res.Problems...)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read directory %s: %w", dir, err)
	}
	return all, nil
}

func readFile(path string) (*Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(path, f)
}

var lineOf = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^line (\d+): `) })

// problemOf turns a file's error into a problem, taking the file's name
// and any line off the front of the message.
func problemOf(path string, err error) Problem {
	msg := err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) {
		msg = pe.Op + ": " + pe.Err.Error()
	}
	msg = strings.TrimPrefix(msg, path+": ")
	p := Problem{File: path, Detail: msg}
	if m := lineOf().FindStringSubmatch(msg); m != nil {
		p.Line, _ = strconv.Atoi(m[1])
		p.Detail = msg[len(m[0]):]
	}
	return p
}

// detect finds data's format. When it finds none, detail may say why.
func detect(name string, data []byte) (Format, string) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	t := bytes.TrimLeft(data, " \t\r\n")
	if len(t) == 0 {
		return Format{}, "the file is empty"
	}
	if isInputDocument(t) {
		return format("attest-input"), ""
	}
	if t[0] == '{' || t[0] == '[' {
		doc, err := parseJSON(name, data)
		if err == nil {
			return detectJSON(doc), ""
		}
		// Kubernetes reads a stream of JSON objects.
		if first, _, ferr := firstJSON(name, t); ferr == nil {
			if m, ok := first.members(); ok && has(m, "kind") && has(m, "apiVersion") {
				return format("kubernetes"), ""
			}
		}
		if strings.EqualFold(filepath.Ext(name), ".json") {
			return Format{}, strings.TrimPrefix(err.Error(), name+": ")
		}
	}
	if f, ok := detectCSV(t); ok {
		return f, ""
	}
	if kubernetesLike().Match(data) && apiVersionLike().Match(data) {
		return format("kubernetes"), ""
	}
	return Format{}, ""
}

var (
	kubernetesLike = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?m)^\s*(- )?"?kind"?\s*:\s*\S`) })
	apiVersionLike = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?m)^\s*(- )?"?apiVersion"?\s*:\s*\S`) })
)

func format(name string) Format {
	f, _ := FormatNamed(name)
	return f
}

// detectJSON recognises a JSON document by its members, or by those of
// its first element.
func detectJSON(doc value) Format {
	if list, ok := doc.items(); ok {
		if len(list) == 0 {
			return nothing
		}
		first, _ := list[0].members()
		for _, it := range list {
			if m, ok := it.members(); ok && isExchange(m) {
				if _, _, ok := protectionPath(text(m, "path")); ok {
					return format("github-branch-protection")
				}
			}
		}
		switch {
		case has(first, "full_name"):
			return format("github-repositories")
		case has(first, "profile") && has(first, "status"):
			return format("okta-users")
		case has(first, "finding_info") || (has(first, "status_code") && has(first, "metadata")):
			return format("prowler")
		}
		return detectObject(first, true)
	}
	m, _ := doc.members()
	return detectObject(m, false)
}

// detectObject recognises one JSON object, the whole document or an
// array's first element.
func detectObject(m map[string]value, inArray bool) Format {
	_, hasURL := m["url"]
	_, _, protection := protectionPath(text(m, "url"))
	switch {
	case isConfig(m):
		return format("aws-config")
	case hasURL && (protection || has(m, "required_status_checks") || has(m, "enforce_admins")):
		return format("github-branch-protection")
	case inArray || isExchange(m):
		return Format{}
	case has(m, "SchemaVersion") && has(m, "Results"):
		return format("trivy")
	case has(m, "matches") && (has(m, "source") || has(m, "descriptor")):
		return format("grype")
	case has(m, "format_version") && (has(m, "planned_values") || has(m, "terraform_version")):
		return format("terraform-plan")
	case has(m, "repositories") && has(m, "total_count"):
		return format("github-repositories")
	case has(m, "kind") && has(m, "apiVersion"):
		return format("kubernetes")
	}
	return Format{}
}

func has(m map[string]value, key string) bool {
	_, ok := m[key]
	return ok
}

func isExchange(m map[string]value) bool { return has(m, "method") && has(m, "path") }

// isConfig recognises what AWSConfig reads.
func isConfig(m map[string]value) bool {
	for _, k := range []string{"configurationItems", "configurationItem", "configurationItemSummary", "invokingEvent", "EvaluationResults", "evaluationResultIdentifier", "baseConfigurationItems"} {
		if _, ok := lookup(m, k); ok {
			return true
		}
	}
	switch {
	case text(m, "Type") == "Notification" && has(m, "Message") && has(m, "TopicArn"):
		return true
	case text(m, "source") == "aws.config":
		return true
	case has(m, "messageType") && has(m, "recordVersion"):
		return true
	}
	return has(m, "resourceType") && has(m, "resourceId") && (has(m, "configurationItemCaptureTime") || has(m, "configuration"))
}

// detectCSV recognises a CSV export by its header row.
func detectCSV(t []byte) (Format, bool) {
	first, _, _ := bytes.Cut(t, []byte("\n"))
	for _, sep := range []rune{',', ';'} {
		cr := csv.NewReader(bytes.NewReader(first))
		cr.Comma = sep
		cr.LazyQuotes = true
		header, err := cr.Read()
		if err != nil || len(header) < 2 {
			continue
		}
		cols := map[string]bool{}
		for _, h := range header {
			h = strings.ToLower(strings.TrimSpace(h))
			cols[strings.NewReplacer(" ", "_", "-", "_").Replace(h)] = true
		}
		switch {
		case sep == ';' && cols["check_id"] && cols["status"]:
			return format("prowler"), true
		case sep == ',' && cols["user"] && cols["arn"] && cols["mfa_active"]:
			return format("aws-iam-credential-report"), true
		case sep == ',' && cols["employee_id"] && cols["email"] && cols["status"]:
			return format("hr-roster"), true
		}
	}
	return Format{}, false
}

// ReadPath reads a folder of export files (ReadDir) or one file (Read).
// Its errors name path.
func ReadPath(path string) (*Result, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, fileerr.Reason(err))
	}
	if st.IsDir() {
		res, err := ReadDir(path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, fileerr.Reason(err))
		}
		return res, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, fileerr.Reason(err))
	}
	defer f.Close()
	return Read(path, f)
}
