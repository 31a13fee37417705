// SPDX-License-Identifier: Apache-2.0

// Package wire declares the JSON bodies of scfx's HTTP API (docs/api.md and
// api/openapi.json): what the server answers and what a client sends. The server
// (package api) renders its answers into these types and a client (package client)
// decodes them, so the two cannot drift apart; a test checks every request type
// against its schema in api/openapi.json.
//
// The package depends on neither the HTTP framework nor the domain model: a bank
// integrating in Go imports it (usually through package client) and nothing else
// of the server.
//
// Conventions of the API the types follow: money is an integer number of fen
// (1/100 yuan), rates are integers in basis points a year, dates are "YYYY-MM-DD"
// (UTC) and instants RFC 3339 with milliseconds ("2006-01-02T15:04:05.000Z"). A
// field that can be absent is a pointer: JSON null, never omitted, unless its tag
// says omitempty.
package wire
