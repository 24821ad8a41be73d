package config

// Error is a configuration problem a user can fix. Setting names the
// setting at fault (e.g. "site", "timeout", "config file"), Msg says what
// is wrong and Fix, when known, says what to do about it.
type Error struct {
	Setting string
	Msg     string
	Fix     string
}

// Error renders Msg, followed by Fix on the same line when there is one,
// so the message fits a terminal status line or a single stderr line.
func (e *Error) Error() string {
	if e.Fix == "" {
		return e.Msg
	}
	return e.Msg + ": " + e.Fix
}
