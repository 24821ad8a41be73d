package tui

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
)

// BenchmarkSortLocal100k: a local sort of 100,000 loaded customers by each
// column, from a shuffled order (the whole sort: keys, order and applying it
// to the table). Reports ms/op; the target is ≤ 150 ms.
func BenchmarkSortLocal100k(b *testing.B) {
	const n = 100_000
	rows := syntheticCustomers(n)
	rand.New(rand.NewPCG(1, 2)).Shuffle(n, func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	for col := range allColumns {
		b.Run(allColumns[col].title, func(b *testing.B) {
			m := loadedModel(b, 0, 120, 40)
			var total float64
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				m.table.SetRows(append(rows[:0:0], rows...))
				runtime.GC() // the setup's garbage is not the sort's
				b.StartTimer()
				start := benchNow()
				m.table.SetSort(col, i%2 == 1, true)
				total += benchSince(start)
			}
			b.ReportMetric(total/float64(b.N), "ms/op")
			if m.table.Len() != n {
				b.Fatal(fmt.Sprint("rows ", m.table.Len()))
			}
		})
	}
}

// BenchmarkSortAsync100k: the same sort as the console runs it for a large
// table: snapshot on the event loop, sort in a command, apply on the event
// loop. loop-ms is the time the event loop is busy (snapshot + apply).
func BenchmarkSortAsync100k(b *testing.B) {
	const n = 100_000
	rows := syntheticCustomers(n)
	rand.New(rand.NewPCG(1, 2)).Shuffle(n, func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	for col := range allColumns {
		b.Run(allColumns[col].title, func(b *testing.B) {
			m := loadedModel(b, 0, 120, 40)
			var loop, total float64
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				m.table.SetRows(append(rows[:0:0], rows...))
				runtime.GC()
				b.StartTimer()
				start := benchNow()
				cmd := m.table.SortAsync(col, i%2 == 1)
				loop += benchSince(start)
				msg := cmd().(sortedMsg)
				applied := benchNow()
				if m.table.ApplySorted(msg) != sortApplied {
					b.Fatal("not applied")
				}
				loop += benchSince(applied)
				total += benchSince(start)
			}
			b.ReportMetric(total/float64(b.N), "ms/op")
			b.ReportMetric(loop/float64(b.N), "loop-ms/op")
		})
	}
}
