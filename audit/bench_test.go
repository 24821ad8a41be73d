package audit

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeChained writes a rolled-over file and a live file of about size
// bytes each, chained as Append would (without an fsync per line).
func writeChained(b *testing.B, path string, size int64) {
	rec := json.RawMessage(`{"customer_id":1,"notes":"` + strings.Repeat("x", 1500) + `"}`)
	prev, seq := "", int64(0)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for k, name := range []string{path + ".1", path} {
		f, err := os.OpenFile(name, os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			b.Fatal(err)
		}
		w := bufio.NewWriter(f)
		var n int64
		put := func(e Entry) {
			seq++
			e.Prev, e.Seq, e.Time, e.Host, e.PID = prev, seq, t0, "bench", 1
			line, _ := EncodeLine(e)
			w.Write(line)
			n += int64(len(line))
			prev = lineHash(line[:len(line)-1])
		}
		h := header(prev, 0, "", 0)
		if k == 1 {
			h = header(prev, 0, filepath.Base(path+".1"), 0)
		}
		put(h)
		for i := 0; n < size*9/10; i++ {
			a := fmt.Sprint(k, "-", i)
			put(Entry{Phase: PhaseIntent, Site: "s", CustomerID: int64(i), Record: rec, Attempt: a})
			put(Entry{Phase: PhaseOutcome, Site: "s", CustomerID: int64(i), Result: ResultDeleted, Attempt: a})
		}
		w.Flush()
		f.Close()
	}
}

// BenchmarkStartupChecks is what a console start costs on a full live file
// (MaxFileSize, 64 MiB) plus a full rolled-over one: open the journal (it
// reads the live file's tail state), VerifyRecent, and look for interrupted
// attempts.
func BenchmarkStartupChecks(b *testing.B) {
	for _, mib := range []int{8, 64} {
		b.Run(fmt.Sprintf("%dMiB", mib), func(b *testing.B) {
			dir := b.TempDir()
			path := filepath.Join(dir, "audit.jsonl")
			old := MaxFileSize
			MaxFileSize = int64(mib) << 20
			defer func() { MaxFileSize = old }()
			writeChained(b, path, int64(mib)<<20)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				j, err := Open(path, env(nil))
				if err != nil {
					b.Fatal(err)
				}
				if r, err := VerifyRecent(path); err != nil || !r.OK() {
					b.Fatal(err, r.Problem)
				}
				if _, err := j.Interrupted("s"); err != nil {
					b.Fatal(err)
				}
				j.Close()
			}
		})
	}
}
