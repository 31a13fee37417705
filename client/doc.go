// SPDX-License-Identifier: Apache-2.0

// Package client is a typed Go client for scfx's HTTP API (docs/api.md,
// api/openapi.json): one method per operation, request and answer bodies from
// package wire, errors as *Problem.
//
//	c := client.New("http://127.0.0.1:8080", token)
//	r, err := c.SubmitReceivable(ctx, wire.SubmitReceivableRequest{...})
//	var p *client.Problem
//	if errors.As(err, &p) && p.Code == "duplicate_invoice" { ... }
//
// A Client acts as one participant (its bearer token); As gives a copy acting as
// another. Every call takes a context. POST, PATCH and DELETE carry an
// Idempotency-Key, generated unless the context names one (WithIdempotencyKey); a
// call that fails in a way a retry can cure — a broken connection, 429 or 503 — is
// sent again with the same key, after the server's Retry-After, a bounded number of
// times (WithAttempts), so that it is never applied twice.
//
// Confirmations and transfers are EIP-712 signatures: SignConfirmation and
// SignTransfer fetch the typed data the server serves, sign it with the
// participant's key (package eip712) and post the signature; SignTypedData signs
// typed data obtained otherwise. List methods return one page; Collect follows the
// cursor through all of them.
package client
