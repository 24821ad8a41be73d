//go:build race

package tui

// raceEnabled: the race detector slows the 100,000-customer cases tenfold.
const raceEnabled = true
