package attest

import (
	"strings"
	"testing"
	"time"
)

func TestParsers(t *testing.T) {
	kinds := map[string]Kind{"SOC 1": SOC1, "soc2": SOC2, "Soc-3": SOC3}
	for in, want := range kinds {
		if got, err := ParseKind(in); err != nil || got != want {
			t.Errorf("ParseKind(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseKind("SOC 4"); ErrorCode(err) != EINVALID {
		t.Errorf("ParseKind(SOC 4): %v", err)
	}
	freqs := map[string]Frequency{"biweekly": BiWeekly, "Semi Monthly": SemiMonthly, "yearly": Annual, "event": EventDriven, "multiple_daily": MultipleDaily}
	for in, want := range freqs {
		if got, err := ParseFrequency(in); err != nil || got != want {
			t.Errorf("ParseFrequency(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseFrequency("hourly"); err == nil {
		t.Error("ParseFrequency(hourly) accepted")
	}
	if got, _ := ParseStatus("Not Started"); got != NotStarted {
		t.Errorf("ParseStatus: %q", got)
	}
	if got, _ := ParseCategory("processing-integrity"); got != ProcessingIntegrity {
		t.Errorf("ParseCategory: %q", got)
	}
	cats := map[string]string{"CC6.1": Security, "A1.2": Availability, "C1.1": Confidentiality, "PI1.3": ProcessingIntegrity, "P4.2": Privacy}
	for id, want := range cats {
		if got := CategoryOf(id); got != want {
			t.Errorf("CategoryOf(%s) = %s", id, got)
		}
	}
}

func TestDueRule(t *testing.T) {
	tests := []struct {
		f    Frequency
		days int
		want string
	}{
		{Quarterly, 30, "within 30 days after quarter end"},
		{Monthly, 0, "by the end of the month"},
		{Daily, 1, "within 1 day after day end"},
		{EventDriven, 2, "within 2 days after the event"},
		{EventDriven, 0, "on the day of the event"},
	}
	for _, tt := range tests {
		if got := DueRule(tt.f, tt.days); got != tt.want {
			t.Errorf("DueRule(%s, %d) = %q, want %q", tt.f, tt.days, got, tt.want)
		}
	}
}

func TestErrors(t *testing.T) {
	e := &Error{Code: ENOTFOUND, Message: "no such control: X", Hint: "see list"}
	if e.Error() != "no such control: X (see list)" || ErrorCode(e) != ENOTFOUND {
		t.Errorf("error %q code %q", e.Error(), ErrorCode(e))
	}
	if ErrorCode(nil) != "" {
		t.Error("ErrorCode(nil)")
	}
}

func TestConclude(t *testing.T) {
	items := func(r ...string) []ItemResult {
		var out []ItemResult
		for i := 0; i+2 < len(r)+1; i += 3 {
			out = append(out, ItemResult{Key: r[i], Result: r[i+1], Note: r[i+2]})
		}
		return out
	}
	ok := Test{Procedures: []string{"inspection"}, Items: items("A", ResultNoException, "", "B", ResultNoException, "")}
	if err := ok.Conclude(false, 0, Wording{}); err != nil || ok.Wording != "No exceptions noted." {
		t.Errorf("%v %q", err, ok.Wording)
	}
	ex := Test{Procedures: []string{"inspection", "inquiry"}, Deviations: "isolated", Items: items("A", ResultNoException, "", "B", ResultDeviation, "approved after deployment", "C", ResultNotApplicable, "reverted")}
	if err := ex.Conclude(false, 120, Wording{}); err != nil || ex.Wording != "Exception noted: for 1 of 2 items selected from a population of 120, B: approved after deployment." {
		t.Errorf("%v %q", err, ex.Wording)
	}
	np := Test{Procedures: []string{"inquiry"}}
	if err := np.Conclude(true, 0, Wording{}); err != nil || np.Conclusion != ConclusionNotPerformed || !strings.Contains(np.Wording, "did not occur") {
		t.Errorf("%v %+v", err, np)
	}
	firm := Wording{Exceptions: "Deviation(s) noted in {n} of {tested} instances: {details}."}
	fx := Test{Procedures: []string{"inspection"}, Deviations: "systematic", Items: items("A", ResultDeviation, "no ticket")}
	if err := fx.Conclude(false, 0, firm); err != nil || fx.Wording != "Deviation(s) noted in 1 of 1 instances: A: no ticket." {
		t.Errorf("firm wording: %v %q", err, fx.Wording)
	}
	bad := []Test{
		{Procedures: []string{"inquiry"}, Items: items("A", ResultNoException, "")},
		{Procedures: []string{"guessing"}, Items: items("A", ResultNoException, "")},
		{Procedures: []string{"inspection"}, Items: items("A", ResultDeviation, "")},
		{Procedures: []string{"inspection"}, Items: items("A", ResultDeviation, "late")},
		{Procedures: []string{"inspection"}, Items: items("A", "maybe", "")},
		{Procedures: []string{"inspection"}},
		{},
	}
	for i, b := range bad {
		if err := b.Conclude(false, 0, Wording{}); ErrorCode(err) != EINVALID {
			t.Errorf("bad test %d accepted: %v", i, err)
		}
	}
}

// TestChangeBy: an account is named "Name <e-mail>", the employee portal's
// principal by its address and the portal.
func TestChangeBy(t *testing.T) {
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		u    User
		want string
	}{
		{User{Name: "Ana Lima", Email: "ana@cpa.example", Role: RoleAuditor}, "Ana Lima <ana@cpa.example>"},
		{User{Name: "Sam Ruiz", Email: "sam@acme.example", Role: RoleEmployee, Person: 4}, "sam@acme.example (employee portal)"},
	} {
		if ch := ChangeBy(&c.u, at); ch.Actor != c.want || !ch.At.Equal(at) {
			t.Errorf("%s: %+v, want %q", c.u.Name, ch, c.want)
		}
	}
}

func TestCount(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{Count(1, "month", "months"), "1 month"},
		{Count(2, "month", "months"), "2 months"},
		{Count(0, "deviation", "deviations"), "0 deviations"},
		{Count(int64(1), "criterion", "criteria"), "1 criterion"},
		{Count(int64(-1), "day", "days"), "-1 days"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
