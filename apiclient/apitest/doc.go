// Package apitest is an in-memory WebCommander store that speaks the customer
// part of the REST API v4 over real HTTP. Tests, benchmarks and `wcadmin --demo`
// run the real client against it instead of a live shop.
//
// It serves either documented record shape ([A] id/display_id or [B]
// customer_id/internal_id), seeds deterministic, deliberately awkward data
// (gapped ids, display ids that collide with other customers' ids, numbers as
// strings, nulls, non-ASCII and optionally hostile text) and offers hooks to
// inject latency and faults and to inspect what the client did.
//
// It does not import package apiclient on purpose: the store describes the
// wire format independently, so a client bug cannot hide in shared types.
package apitest
