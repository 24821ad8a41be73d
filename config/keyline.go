package config

import (
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
)

// keyLine returns the 1-based line on which key is defined, or 0. The toml
// package knows key positions but does not export them, so this is a best
// effort scan: it follows [table] headers and key = value lines, skips
// multi-line strings, and does not understand keys quoted around dots.
func keyLine(data []byte, key toml.Key) int {
	var table []string
	inMulti := "" // delimiter of the multi-line string we are inside
	for i, line := range strings.Split(string(data), "\n") {
		t := strings.TrimSpace(line)
		if inMulti != "" {
			if strings.Count(t, inMulti)%2 == 1 {
				inMulti = ""
			}
			continue
		}
		if t == "" || t[0] == '#' {
			continue
		}
		if t[0] == '[' {
			inner := strings.TrimLeft(t, "[")
			end := strings.Index(inner, "]")
			if end < 0 {
				continue
			}
			table = splitKey(inner[:end])
			if hasPrefix(table, key) {
				return i + 1
			}
			continue
		}
		eq := strings.Index(t, "=")
		if eq < 0 {
			continue
		}
		full := append(slices.Clip(table), splitKey(t[:eq])...)
		value := strings.TrimSpace(t[eq+1:])
		if hasPrefix(full, key) {
			return i + 1
		}
		// An inline table or array defines the keys inside it on this line.
		if (strings.HasPrefix(value, "{") || strings.HasPrefix(value, "[")) && hasPrefix(key, full) {
			return i + 1
		}
		for _, q := range []string{`"""`, `'''`} {
			if strings.Count(value, q)%2 == 1 {
				inMulti = q
				break
			}
		}
	}
	return 0
}

// splitKey splits a dotted TOML key, dropping spaces and simple quotes.
func splitKey(s string) []string {
	parts := strings.Split(s, ".")
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if len(p) >= 2 && (p[0] == '"' || p[0] == '\'') && p[len(p)-1] == p[0] {
			p = p[1 : len(p)-1]
		}
		parts[i] = p
	}
	return parts
}

// hasPrefix reports whether k starts with all of prefix.
func hasPrefix(k, prefix []string) bool {
	return len(prefix) > 0 && len(k) >= len(prefix) && slices.Equal(k[:len(prefix)], prefix)
}
