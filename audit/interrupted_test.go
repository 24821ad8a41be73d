package audit

import (
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"
)

// deadPID is the id of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip("cannot run true:", err)
	}
	return cmd.Process.Pid
}

func TestInterruptedFindsOnlyAbandonedAttemptsOfTheSite(t *testing.T) {
	crashed, path := openTemp(t)
	site := "https://shop.example.com"
	crashed.Append(Entry{Phase: PhaseIntent, Site: site, CustomerID: 1, Attempt: "crashed"})
	crashed.Append(Entry{Phase: PhaseIntent, Site: "https://other.example.com", CustomerID: 2, Attempt: "other-site"})
	crashed.Append(Entry{Phase: PhaseIntent, Site: site, CustomerID: 3, Attempt: "finished"})
	crashed.Append(Entry{Phase: PhaseOutcome, Site: site, CustomerID: 3, Result: ResultDeleted, Attempt: "finished"})
	crashed.Close() // like a process that died: its attempts are no longer in flight

	live, err := Open(path, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	live.Append(Entry{Phase: PhaseIntent, Site: site, CustomerID: 4, Attempt: "in-flight-here"})

	host, _ := os.Hostname()
	now := time.Now().UTC()
	add := func(e Entry) {
		line, _ := EncodeLine(e)
		f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
		f.Write(line)
		f.Close()
	}
	add(Entry{Time: now, Phase: PhaseIntent, Site: site, Host: host, PID: 1, CustomerID: 5, Attempt: "running-process"})
	add(Entry{Time: now, Phase: PhaseIntent, Site: site, Host: host, PID: deadPID(t), CustomerID: 6, Attempt: "dead-process"})
	add(Entry{Time: now, Phase: PhaseIntent, Site: site, Host: "elsewhere", PID: 77, CustomerID: 7, Attempt: "remote-recent"})
	add(Entry{Time: now.Add(-time.Hour), Phase: PhaseIntent, Site: site, Host: "elsewhere", PID: 77, CustomerID: 8, Attempt: "remote-old"})

	got, err := live.Interrupted(site)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range got {
		ids = append(ids, a.ID)
	}
	want := "[crashed dead-process remote-old]"
	if fmt.Sprint(ids) != want {
		t.Errorf("interrupted = %v, want %s", ids, want)
	}
}

// Two journals on one file settle the same attempts at once: each attempt
// gets exactly one outcome.
func TestAppendIfOpenSettlesOnce(t *testing.T) {
	crashed, path := openTemp(t)
	const n = 20
	for i := 0; i < n; i++ {
		crashed.Append(Entry{Phase: PhaseIntent, Site: "s", CustomerID: int64(i), Attempt: fmt.Sprint("a", i)})
	}
	crashed.Close()
	var js []*Journal
	for k := 0; k < 2; k++ {
		j, err := Open(path, env(nil))
		if err != nil {
			t.Fatal(err)
		}
		defer j.Close()
		js = append(js, j)
	}
	var wg sync.WaitGroup
	wins := make([]int, len(js))
	for k, j := range js {
		wg.Add(1)
		go func() {
			defer wg.Done()
			open, err := j.Interrupted("s")
			if err != nil {
				t.Error(err)
				return
			}
			for _, a := range open {
				ok, err := j.AppendIfOpen(Entry{Phase: PhaseOutcome, Site: "s", Attempt: a.ID, Result: ResultNotDeleted,
					Settled: &Settlement{By: j.Operator(), At: time.Now(), Interrupted: a.Intent.Time}})
				if err != nil {
					t.Error(err)
				}
				if ok {
					wins[k]++
				}
			}
		}()
	}
	wg.Wait()
	if wins[0]+wins[1] != n {
		t.Errorf("settled %d + %d times, want %d in all", wins[0], wins[1], n)
	}
	set, err := ReadSet(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range Attempts(set.Lines) {
		outcomes := 0
		for _, l := range a.Lines {
			if l.Entry.Phase == PhaseOutcome {
				outcomes++
				if l.Entry.Settled == nil || l.Entry.Settled.By == "" {
					t.Errorf("%s: outcome without settled", a.ID)
				}
			}
		}
		if outcomes != 1 {
			t.Errorf("%s has %d outcomes, want 1", a.ID, outcomes)
		}
	}
	if r := mustVerify(t, path); !r.OK() {
		t.Errorf("chain broken: %+v", r.Problem)
	}
	if open, _ := js[0].Interrupted("s"); len(open) != 0 {
		t.Errorf("%d attempts still open after settling", len(open))
	}
}

// Sessions of `wcadmin serve` write as their operator, on one file and chain.
func TestAsWritesForAnotherIdentityOnTheSameChain(t *testing.T) {
	j, path := openTemp(t)
	alice := j.As(Identity{Operator: "alice", SSHClient: "192.0.2.1:5555", KeyFingerprint: "SHA256:abc", Via: "ssh-serve"})
	if err := alice.Append(Entry{Phase: PhaseIntent, CustomerID: 1, Attempt: "a"}); err != nil {
		t.Fatal(err)
	}
	alice.Close() // a no-op: the server's journal stays open
	if err := j.Append(Entry{Phase: PhaseOutcome, CustomerID: 1, Attempt: "a", Result: ResultDeleted}); err != nil {
		t.Fatalf("the owner's journal was closed by a session: %v", err)
	}
	es, err := Read(path)
	if err != nil || len(es) != 2 {
		t.Fatalf("Read: %v, %d", err, len(es))
	}
	if e := es[0]; e.Operator != "alice" || e.SSHClient != "192.0.2.1:5555" || e.KeyFingerprint != "SHA256:abc" || e.Via != "ssh-serve" {
		t.Errorf("session line = %+v", e)
	}
	if e := es[1]; e.KeyFingerprint != "" || e.Via != "" || e.SSHClient == "192.0.2.1:5555" {
		t.Errorf("owner line carries the session's identity: %+v", e)
	}
	if r := mustVerify(t, path); !r.OK() {
		t.Errorf("chain: %+v", r.Problem)
	}
}
