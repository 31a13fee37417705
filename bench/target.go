// SPDX-License-Identifier: Apache-2.0

package bench

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
)

// target is a server set up for a run: one core, one SME (and, for get_book, one
// lender) per connection, so that every connection has its own token, rate limit
// and invoice numbers. setup.go makes it; do loads it.
type target struct {
	base   string   // where setup goes: the first of bases
	bases  []string // connection i loads bases[i % len(bases)]
	client *http.Client
	admin  string
	prefix string
	coreID string
	cycle  []benchOp
	issue  string
	due    string
	conns  []benchConn
	nextID int // participants made, for their USCC
	mu     sync.Mutex
}

type benchConn struct {
	base        string   // the replica this connection loads
	sme, lender string   // tokens
	pool        []string // receivables of sme, for get_receivable
	invoice     uint64   // invoices posted; only this connection's goroutine touches it
}

// do makes connection conn's seq-th request of the mix: connections start at
// different places of the cycle.
func (t *target) do(ctx context.Context, conn int, seq uint64) int {
	c := &t.conns[conn]
	op := t.cycle[(seq+uint64(conn))%uint64(len(t.cycle))]
	req, err := t.request(ctx, c, op, seq)
	if err != nil {
		return 0
	}
	resp, err := t.client.Do(req)
	if err != nil {
		return 0
	}
	// Read to the end, so the connection is kept alive for the next request.
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func (t *target) request(ctx context.Context, c *benchConn, op benchOp, seq uint64) (*http.Request, error) {
	method, path, token := http.MethodGet, "", c.sme
	var body io.Reader
	switch op {
	case opPostReceivable:
		c.invoice++
		rd, err := jsonBody(t.receivable(c.invoice))
		if err != nil {
			return nil, err
		}
		method, path, body = http.MethodPost, "/v1/receivables", rd
	case opGetReceivable:
		path = "/v1/receivables/" + c.pool[seq%uint64(len(c.pool))]
	case opListReceivables:
		path = "/v1/receivables?limit=" + strconv.Itoa(benchListLimit)
	case opGetBook:
		path, token = "/v1/books/"+t.coreID, c.lender
	case opHealthz:
		path, token = "/healthz", ""
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

func (t *target) receivable(n uint64) map[string]any {
	return map[string]any{
		"debtor_id": t.coreID, "invoice_number": fmt.Sprintf("%s-%08d", t.prefix, n), "amount": benchAmountFen,
		"currency": "CNY", "issue_date": t.issue, "due_date": t.due,
	}
}

// RunPrefix is 4 random characters of the USCC alphabet, so that one run's USCCs
// and invoice numbers never collide with another's on the same server.
func RunPrefix() string {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY" // GB 32100-2015's characters
	var b [4]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b[:])
}

// jsonBody is a request body for setup and for POST ops.
func jsonBody(v any) (io.Reader, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return bytes.NewReader(b), nil
}
