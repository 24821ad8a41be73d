package tui

import "time"

func benchNow() time.Time { return time.Now() }

// benchSince is the milliseconds since start.
func benchSince(start time.Time) float64 { return float64(time.Since(start).Microseconds()) / 1000 }
