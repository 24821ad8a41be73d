package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/wcadmin/wcadmin/tui"
)

func seq(from, n int64) []int64 {
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = from + int64(i)
	}
	return ids
}

func TestWriteExitSummary(t *testing.T) {
	manyFailed := make([]tui.Failure, 23)
	for i := range manyFailed {
		manyFailed[i] = tui.Failure{ID: 500 + int64(i), Reason: "HTTP 500"}
	}
	for _, tc := range []struct {
		name    string
		report  tui.Report
		journal string
		want    []string // exact lines, in order
		absent  []string // substrings that must not appear
	}{
		{
			name:    "nothing",
			report:  tui.Report{},
			journal: "/state/audit.jsonl",
			want:    nil,
		},
		{
			name:    "one deleted",
			report:  tui.Report{Deleted: []int64{42}},
			journal: "/state/wcadmin/audit.jsonl",
			want: []string{
				"wcadmin: deletions this session: deleted 1, already gone 0, failed 0, not attempted 0",
				"  deleted: 42",
				"  journal: /state/wcadmin/audit.jsonl",
			},
			absent: []string{"failed:", "not attempted (", "already gone ("},
		},
		{
			name:    "25 deleted: first 20 then a count",
			report:  tui.Report{Deleted: seq(101, 25)},
			journal: "/j",
			want: []string{
				"wcadmin: deletions this session: deleted 25, already gone 0, failed 0, not attempted 0",
				"  deleted: 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120 and 5 more",
				"  journal: /j",
			},
			absent: []string{"121"},
		},
		{
			name: "failures with reasons, made terminal-safe",
			report: tui.Report{
				Deleted: []int64{1},
				Gone:    []int64{2},
				Failed: []tui.Failure{
					{ID: 3, Email: "a@example.com", Reason: "HTTP 500: db down"},
					{ID: 4, Email: "evil\x1b]52;c;AAAA\x07@x.example", Reason: "HTTP 403\x1b[2J: forbidden\r\nfake line"},
					{ID: 5, Reason: "the delete got no clear answer"},
				},
			},
			journal: "/j",
			want: []string{
				"wcadmin: deletions this session: deleted 1, already gone 1, failed 3, not attempted 0",
				"  deleted: 1",
				"  already gone (nothing sent): 2",
				"  failed:",
				"    #3 (a@example.com): HTTP 500: db down",
				"    #4 (evil@x.example): HTTP 403: forbidden fake line",
				"    #5: the delete got no clear answer",
				"  journal: /j",
			},
			absent: []string{"\x1b", "\x07", "\r"},
		},
		{
			name:    "many failures: first 20 then a count",
			report:  tui.Report{Failed: manyFailed},
			journal: "/j",
			want: append(append([]string{
				"wcadmin: deletions this session: deleted 0, already gone 0, failed 23, not attempted 0",
				"  failed:",
			}, func() []string {
				var l []string
				for i := range 20 {
					l = append(l, "    #"+strconv.FormatInt(500+int64(i), 10)+": HTTP 500")
				}
				return l
			}()...), "    and 3 more", "  journal: /j"),
			absent: []string{"#520"},
		},
		{
			name:    "not attempted",
			report:  tui.Report{Deleted: []int64{7, 8}, NotAttempted: []int64{9, 10, 11}},
			journal: "/home/op/.local/state/wcadmin/demo-audit.jsonl",
			want: []string{
				"wcadmin: deletions this session: deleted 2, already gone 0, failed 0, not attempted 3",
				"  deleted: 7, 8",
				"  not attempted (nothing sent, still in the store): 9, 10, 11",
				"  journal: /home/op/.local/state/wcadmin/demo-audit.jsonl",
			},
		},
		{
			name:    "only not attempted still prints",
			report:  tui.Report{NotAttempted: []int64{9}},
			journal: "/j",
			want: []string{
				"wcadmin: deletions this session: deleted 0, already gone 0, failed 0, not attempted 1",
				"  not attempted (nothing sent, still in the store): 9",
				"  journal: /j",
			},
		},
		{
			name:    "cancelled in the undo window",
			report:  tui.Report{Deleted: []int64{5}, Cancelled: []int64{17, 18}},
			journal: "/j",
			want: []string{
				"wcadmin: deletions this session: deleted 1, already gone 0, failed 0, not attempted 0, cancelled 2",
				"  deleted: 5",
				"  cancelled (still in the undo window, nothing sent): 2 — ids 17, 18",
				"  journal: /j",
			},
		},
		{
			name:    "only one cancelled still prints",
			report:  tui.Report{Cancelled: []int64{17}},
			journal: "/j",
			want: []string{
				"wcadmin: deletions this session: deleted 0, already gone 0, failed 0, not attempted 0, cancelled 1",
				"  cancelled (still in the undo window, nothing sent): 1 — id 17",
				"  journal: /j",
			},
		},
		{
			name:    "many cancelled: first 20 then a count",
			report:  tui.Report{Cancelled: seq(301, 22)},
			journal: "/j",
			want: []string{
				"wcadmin: deletions this session: deleted 0, already gone 0, failed 0, not attempted 0, cancelled 22",
				"  cancelled (still in the undo window, nothing sent): 22 — ids 301, 302, 303, 304, 305, 306, 307, 308, 309, 310, 311, 312, 313, 314, 315, 316, 317, 318, 319, 320 and 2 more",
				"  journal: /j",
			},
		},
		{
			name:    "journal path is made terminal-safe",
			report:  tui.Report{Deleted: []int64{1}},
			journal: "/tmp/x\x1b[31m/audit.jsonl",
			want: []string{
				"wcadmin: deletions this session: deleted 1, already gone 0, failed 0, not attempted 0",
				"  deleted: 1",
				"  journal: /tmp/x/audit.jsonl",
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			writeExitSummary(&b, tc.report, tc.journal)
			got := b.String()
			if tc.want == nil {
				if got != "" {
					t.Fatalf("printed %q, want nothing", got)
				}
				return
			}
			if want := strings.Join(tc.want, "\n") + "\n"; got != want {
				t.Errorf("summary:\n%s\nwant:\n%s", got, want)
			}
			for _, a := range tc.absent {
				if strings.Contains(got, a) {
					t.Errorf("summary contains %q:\n%q", a, got)
				}
			}
		})
	}
}
