package apitest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// apiPrefix is where the store's routes live; Server.URL is the site root.
const apiPrefix = "/api/v4"

// Handler serves /api/v4/... and answers anything else the way the real API
// answers an unroutable URL: 200 with {"isSuccess": false}.
func (s *Store) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

func (s *Store) serveHTTP(w http.ResponseWriter, r *http.Request) {
	rt, id := matchRoute(r.Method, r.URL.Path)
	n := s.log.add(rt, r, s.now())
	w = &statusWriter{ResponseWriter: w, log: &s.log, n: n}

	if rt == RouteUnknown {
		writeJSON(w, http.StatusOK, map[string]any{
			"isSuccess": false,
			"message":   fmt.Sprintf("no route for %s %s", r.Method, r.URL.Path),
		})
		return
	}
	if rt == RouteToken {
		s.countTokenRequest()
	}
	f, faulty, latency := s.faults.next(rt)
	if !sleep(r.Context(), latency) {
		return
	}
	if faulty && f.apply(w, r) {
		return
	}
	if rt == RouteToken {
		s.handleToken(w, r)
		return
	}
	if why := s.authorize(r); why != "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="api"`)
		writeError(w, http.StatusUnauthorized, why, "unauthorized",
			fieldError{"access_token", "invalid_token", why})
		return
	}
	switch rt {
	case RouteList:
		s.handleList(w, r)
	case RouteCount:
		s.handleCount(w, r)
	case RouteGet, RouteDelete:
		s.handleOne(w, r, rt, id)
	}
}

// matchRoute maps method and path to a route; id is the raw {customer_id}.
func matchRoute(method, path string) (Route, string) {
	rest, ok := strings.CutPrefix(path, apiPrefix)
	if !ok {
		return RouteUnknown, ""
	}
	if len(rest) > 1 {
		rest = strings.TrimSuffix(rest, "/")
	}
	switch {
	case rest == "/oauth2/token" && method == http.MethodPost:
		return RouteToken, ""
	case rest == "/admin/customers" && method == http.MethodGet:
		return RouteList, ""
	case rest == "/admin/customers/count" && method == http.MethodGet:
		return RouteCount, ""
	}
	id, ok := strings.CutPrefix(rest, "/admin/customers/")
	if !ok || id == "" || strings.Contains(id, "/") {
		return RouteUnknown, ""
	}
	switch method {
	case http.MethodGet:
		return RouteGet, id
	case http.MethodDelete:
		return RouteDelete, id
	}
	return RouteUnknown, ""
}

var (
	listParams  = map[string]bool{"limit": true, "offset": true, "page": true, "order_by": true, "direction": true, "email": true, "search": true, "status": true}
	countParams = map[string]bool{"email": true, "search": true, "status": true}
	noParams    = map[string]bool{}
	statuses    = map[string]bool{"active": true, "inactive": true, "pending": true, "approval_awaiting": true, "awaiting_verification": true}
)

func (s *Store) handleList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !checkParams(w, q, s.allowed(listParams)) {
		return
	}
	var errs []fieldError
	limit, offset := 10, 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			errs = append(errs, fieldError{"limit", "invalid_limit", "limit must be a positive integer"})
		}
		limit = min(max(n, 1), s.opts.MaxLimit)
	}
	limit = min(limit, s.opts.MaxLimit)
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			errs = append(errs, fieldError{"offset", "invalid_offset", "offset must be a non-negative integer"})
		}
		offset = max(n, 0)
	} else if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1<<30 {
			errs = append(errs, fieldError{"page", "invalid_page", "page must be a positive integer"})
		}
		offset = (min(max(n, 1), 1<<30) - 1) * limit
	}
	key := "id"
	if v := q.Get("order_by"); v != "" {
		k, ok := orderKeys[v]
		if !ok {
			errs = append(errs, fieldError{"order_by", "invalid_order_by", "order_by must be one of id, customer_id, first_name, last_name, email, created_at, status"})
		}
		key = k
	}
	desc := false
	switch v := strings.ToLower(q.Get("direction")); v {
	case "", "asc":
	case "desc":
		desc = true
	default:
		errs = append(errs, fieldError{"direction", "invalid_direction", "direction must be asc or desc"})
	}
	f, ferrs := readFilter(q)
	errs = append(errs, ferrs...)
	if s.opts.Search == SearchIgnored {
		f.search = ""
	}
	if len(errs) > 0 {
		writeError(w, http.StatusBadRequest, "invalid list parameters", "validation_failed", errs...)
		return
	}

	s.mu.Lock()
	page, total := window(s.ordered(key), desc, f, offset, limit)
	records := make([]any, len(page))
	for i, c := range page {
		records[i] = render(c, s.opts.Shape)
	}
	s.mu.Unlock()

	p := pageInfo{total: total, limit: limit, offset: offset, count: len(records)}
	var pag map[string]any
	if s.opts.Shape == ShapeB {
		pag = paginationB(p)
	} else {
		pag = paginationA(r, p)
	}
	writeJSON(w, http.StatusOK, map[string]any{"customers": records, "pagination": pag})
}

// window picks one page of list (walked backwards when desc) and counts the
// matches. Without a filter it touches only the page: O(limit).
func window(list []*customer, desc bool, f filter, offset, limit int) ([]*customer, int) {
	at := func(i int) *customer {
		if desc {
			return list[len(list)-1-i]
		}
		return list[i]
	}
	var out []*customer
	if f.empty() {
		for i := offset; i < len(list) && len(out) < limit; i++ {
			out = append(out, at(i))
		}
		return out, len(list)
	}
	n := 0
	for i := range list {
		c := at(i)
		if !f.match(c) {
			continue
		}
		if n >= offset && len(out) < limit {
			out = append(out, c)
		}
		n++
	}
	return out, n
}

func readFilter(q map[string][]string) (filter, []fieldError) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	f := filter{email: strings.ToLower(get("email")), search: strings.ToLower(get("search")), status: get("status")}
	if f.status != "" && !statuses[f.status] {
		return f, []fieldError{{"status", "invalid_status", "status must be one of active, inactive, pending, approval_awaiting, awaiting_verification"}}
	}
	return f, nil
}

func (s *Store) handleCount(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !checkParams(w, q, s.allowed(countParams)) {
		return
	}
	f, errs := readFilter(q)
	if s.opts.Search == SearchIgnored {
		f.search = ""
	}
	if len(errs) > 0 {
		writeError(w, http.StatusBadRequest, "invalid count parameters", "validation_failed", errs...)
		return
	}
	s.mu.Lock()
	_, total := window(s.byID, false, f, 0, 0)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"total": total})
}

// handleOne is GET and DELETE /admin/customers/{id}. DELETE moves the
// customer to the trash; the trash still answers GET, with is_in_trash.
func (s *Store) handleOne(w http.ResponseWriter, r *http.Request, rt Route, raw string) {
	if !checkParams(w, r.URL.Query(), noParams) {
		return
	}
	id, ok := parseID(raw)
	if !ok {
		writeError(w, http.StatusBadRequest, "invalid customer id", "validation_failed",
			fieldError{"id", "invalid_id", "customer id must be numeric"})
		return
	}
	s.mu.Lock()
	c := s.all[id]
	if c == nil {
		s.mu.Unlock()
		writeError(w, http.StatusNotFound, "Customer not found", "not_found",
			fieldError{"id", "not_found", fmt.Sprintf("no customer with id %d", id)})
		return
	}
	if rt == RouteGet {
		rec := render(c, s.opts.Shape)
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"customer": rec})
		return
	}
	if c.trashed {
		s.mu.Unlock()
		writeError(w, http.StatusNotFound, "Customer already in trash", "already_in_trash",
			fieldError{"id", "already_in_trash", fmt.Sprintf("customer %d is already in the trash", id)})
		return
	}
	s.unlink(c)
	c.trashed = true
	s.deleted = append(s.deleted, id)
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// parseID accepts digits only: "-5", "+5", " 5" and "1e3" are rejected.
func parseID(raw string) (int64, bool) {
	if raw == "" || len(raw) > 18 {
		return 0, false
	}
	for _, r := range raw {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	return id, err == nil
}

// allowed is params without search when the store rejects it.
func (s *Store) allowed(params map[string]bool) map[string]bool {
	if s.opts.Search != SearchRejected {
		return params
	}
	out := make(map[string]bool, len(params))
	for k, v := range params {
		out[k] = v && k != "search"
	}
	return out
}

// checkParams answers 400 "unknown_parameter" (and false) when q holds a
// name outside allowed.
func checkParams(w http.ResponseWriter, q map[string][]string, allowed map[string]bool) bool {
	var errs []fieldError
	for k := range q {
		if !allowed[k] {
			errs = append(errs, fieldError{k, "unknown_parameter", fmt.Sprintf("unknown query parameter %q", k)})
		}
	}
	if len(errs) == 0 {
		return true
	}
	sortFieldErrors(errs)
	writeError(w, http.StatusBadRequest, "unknown query parameter", "unknown_parameter", errs...)
	return false
}
