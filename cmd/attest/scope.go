package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/internal/atomicfile"
	"github.com/attest-dev/attest/scope"
	"github.com/spf13/cobra"
)

func (m *Main) scopeCommand() *cobra.Command {
	var answersFile, outFile string
	var minPeriods []string
	var lag int
	var interactive bool
	cmd := &cobra.Command{
		Use:   "scope",
		Short: "Which report do we need? SOC 1, SOC 2, SOC 3; Type 1 or Type 2",
		Long: `Recommend the SOC reports a service organization needs, with the reason for
each part of the answer and warnings for common mistakes. Asks its questions
on a terminal, or reads them from a YAML or JSON file (--answers). Needs no
data directory.

Answer keys (all optional): ` + scope.Keys() + `.`,
		Example: `  attest scope
  attest scope --answers answers.yaml --json
  attest scope --answers answers.yaml --min-period "SOC 1=9" --fieldwork-lag 3`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := scopeOptions(minPeriods, lag)
			if err != nil {
				return err
			}
			opts.Today = m.Now()
			var a *scope.Answers
			switch {
			case answersFile != "":
				if a, err = readAnswers(answersFile); err != nil {
					return err
				}
			case interactive || m.Interactive:
				if a, err = m.askAnswers(); err != nil {
					return err
				}
			default:
				return &attest.Error{Code: attest.EINVALID, Message: "no answers: stdin is not a terminal", Hint: "pass --answers FILE (YAML or JSON), or --interactive to answer on stdin"}
			}
			rec := scope.Decide(a, opts)
			if outFile != "" {
				b, _ := json.MarshalIndent(rec, "", "  ")
				if err := atomicfile.Write(outFile, append(b, '\n')); err != nil {
					return err
				}
			}
			return show(m, rec, func(rec *scope.Recommendation) error {
				m.printRecommendation(rec, answersFile)
				return nil
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&answersFile, "answers", "", "read answers from this YAML or JSON file")
	fl.StringVar(&outFile, "out", "", "also save the recommendation as JSON to this file")
	fl.StringArrayVar(&minPeriods, "min-period", nil, `minimum first Type 2 period in months per kind, e.g. "SOC 1=6" (repeatable; defaults SOC 1=6, SOC 2=3)`)
	fl.IntVar(&lag, "fieldwork-lag", scope.DefaultOptions().FieldworkLagMonths, "months from a period's end to the report")
	fl.BoolVar(&interactive, "interactive", false, "ask the questions on stdin even when it is not a terminal")
	return cmd
}

func scopeOptions(minPeriods []string, lag int) (scope.Options, error) {
	opts := scope.DefaultOptions()
	if err := opts.SetLag(lag); err != nil {
		return opts, flagged(err, "fieldwork lag", "--fieldwork-lag")
	}
	for _, mp := range minPeriods {
		for _, part := range strings.Split(mp, ",") {
			k, v, ok := strings.Cut(part, "=")
			if !ok {
				return opts, attest.Errorf(attest.EINVALID, "--min-period %q: want KIND=MONTHS, e.g. \"SOC 1=6\"", part)
			}
			if err := opts.SetMinPeriod(k, v, part); err != nil {
				return opts, flagged(err, "minimum period", "--min-period")
			}
		}
	}
	return opts, nil
}

func readAnswers(path string) (*scope.Answers, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, attest.Errorf(attest.EINVALID, "read answers: %v", err)
	}
	return scope.ParseAnswers(path, b)
}

// askAnswers asks every question on stdin. An empty answer leaves the key
// unanswered; a wrong one is asked again.
func (m *Main) askAnswers() (*scope.Answers, error) {
	in := bufio.NewReader(m.Stdin)
	answers := map[string]any{}
	out := m.Stderr
	fmt.Fprintln(out, "Answer each question; press Enter to skip one.")
	for _, q := range scope.Questions {
		for {
			fmt.Fprintf(out, "\n%s\n> ", q.Text)
			line, err := in.ReadString('\n')
			line = strings.TrimSpace(line)
			if err != nil && line == "" {
				if err == io.EOF {
					return m.finishAnswers(answers)
				}
				return nil, err
			}
			if line == "" {
				break
			}
			v := q.Value(line)
			trial := map[string]any{q.Key: v}
			b, _ := json.Marshal(trial)
			if _, perr := scope.ParseAnswers("answer", b); perr != nil {
				fmt.Fprintf(out, "  %s\n", strings.TrimPrefix(attest.ErrorMessage(perr), "answer: line 1: "))
				continue
			}
			answers[q.Key] = v
			break
		}
	}
	return m.finishAnswers(answers)
}

func (m *Main) finishAnswers(answers map[string]any) (*scope.Answers, error) {
	b, _ := json.Marshal(answers)
	fmt.Fprintln(m.Stderr)
	return scope.ParseAnswers("answers", b)
}

func (m *Main) printRecommendation(rec *scope.Recommendation, answersFile string) {
	if len(rec.Reports) == 0 {
		m.printf("No SOC report is indicated for now.\n")
	} else {
		m.printf("Recommended\n")
	}
	for _, r := range rec.Reports {
		m.printf("\n  %s\n", r.Summary())
		for _, why := range r.Reasons {
			m.printf("    - %s\n", wrap(why, 72, "      "))
		}
	}
	if len(rec.Considered) > 0 {
		m.printf("\nWorth considering\n")
		for _, c := range rec.Considered {
			m.printf("  - %s: %s\n", strings.TrimSpace(string(c.Kind)+" "+c.Type), wrap(c.Reason, 68, "    "))
		}
	}
	if len(rec.Warnings) > 0 {
		m.printf("\nWarnings\n")
		for _, w := range rec.Warnings {
			m.printf("  ! %s\n", wrap(w, 72, "    "))
		}
	}
	if len(rec.Reports) > 0 {
		src := "FILE"
		if answersFile != "" {
			src = answersFile
		}
		m.printf("\nA SOC report is an examination report issued by a CPA firm, not a certification.\nNext: attest init && attest engagement create --from-scope %s\n", src)
	}
}
