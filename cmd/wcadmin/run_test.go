package main

import (
	"testing"
	"time"
)

// The console's budget for one operation must leave room for the client's
// three tries of a read and the backoff between them.
func TestOperationBudgetCoversRetries(t *testing.T) {
	for _, perTry := range []time.Duration{0, 300 * time.Millisecond, 15 * time.Second} {
		eff := perTry
		if eff == 0 {
			eff = 15 * time.Second
		}
		if got := operationBudget(perTry); got < 3*eff+5*time.Second {
			t.Errorf("operationBudget(%s) = %s: no room for 3 tries of %s plus backoff", perTry, got, eff)
		}
	}
}
