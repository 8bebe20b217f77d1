// Command portaldata fills a data directory made by `attest init` with what
// the employee portal shows: PEOPLE people on the roster (in scope, started
// a year ago) and POLICIES published policies, each asked of everyone, for
// bench/portal.sh. The rows go through the store, as the roster import and
// the policy workflows write them.
//
// Usage: go run ./bench/portaldata DATA-DIR [PEOPLE] [POLICIES]
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ack/acktest"
	"github.com/attest-dev/attest/sqlite"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "portaldata:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) < 1 {
		return fmt.Errorf("usage: portaldata DATA-DIR [PEOPLE] [POLICIES]")
	}
	people, policies := 1000, 20
	if len(args) > 1 {
		people, _ = strconv.Atoi(args[1])
	}
	if len(args) > 2 {
		policies, _ = strconv.Atoi(args[2])
	}
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(args[0], "attest.db"))
	if err != nil {
		return err
	}
	defer s.Close()
	now := time.Now().UTC()
	ch := attest.Change{Actor: "bench/portaldata", At: now.AddDate(0, 0, -10)}
	ps := make([]attest.Person, people)
	for i := range ps {
		ps[i] = attest.Person{Email: fmt.Sprintf("person%d@example.com", i), Name: fmt.Sprintf("Person %d", i), Kind: attest.PersonEmployee,
			Status: attest.PersonActive, Start: now.AddDate(-1, 0, 0).Format(attest.DateLayout), Department: "Engineering", InScope: true, Source: "bench"}
	}
	if _, err := s.RecordPeople(ctx, ch, attest.EntryRosterImported, attest.RosterChange{Source: "bench"}, ps); err != nil {
		return err
	}
	body := "# Policy\n\n" + strings.Repeat("Every person keeps to this rule, and says so when asked. ", 80) + "\n"
	for i := 0; i < policies; i++ {
		text := fmt.Sprintf("%s\nPolicy %d.\n", body, i)
		if _, err := acktest.TryPublish(ctx, s, ch, fmt.Sprintf("policy-%02d", i), fmt.Sprintf("Policy %d", i), text); err != nil {
			return err
		}
	}
	fmt.Printf("%d people, %d published policies\n", people, policies)
	return nil
}
