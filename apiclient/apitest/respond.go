package apitest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// fieldError is one entry of the [B] error envelope's "errors" list.
type fieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// writeError answers with the [B] customers error envelope; [A]'s SDK reads
// the same keys (status, message, error, errors[].message).
func writeError(w http.ResponseWriter, status int, message, code string, errs ...fieldError) {
	if errs == nil {
		errs = []fieldError{}
	}
	writeJSON(w, status, map[string]any{
		"status":  "error",
		"code":    status,
		"message": message,
		"error":   code,
		"errors":  errs,
	})
}

// writeJSON encodes first so a complete body with Content-Length is sent.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only SetField/Add overrides can be unencodable: a test bug.
		http.Error(w, "apitest: cannot encode answer: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func sortFieldErrors(errs []fieldError) {
	slices.SortFunc(errs, func(a, b fieldError) int { return strings.Compare(a.Field, b.Field) })
}
