// SPDX-License-Identifier: Apache-2.0

// Package baseline is the comparison point of `scfx bench compare`: a bare Gin
// server with the route shape of scfx. It decodes POST /v1/receivables strictly into
// the same struct and answers with the same JSON shape, with no journal, no matcher
// and no token lookup. It accepts the setup calls the bench makes (POST /v1/clusters
// and /v1/participants answer 201 with fake ids and a fake token), so that both
// targets get exactly the same requests. It runs as its own binary,
// cmd/scfx-baseline; the scfx binary does not contain it.
package baseline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/scfx/scfx/api"
	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/matcher"
)

const (
	bodyMax = 1 << 20 // docs/api.md's body limit, as scfx serve applies it
	// Token is the operator and participant token the setup calls answer; no
	// request's token is checked.
	Token        = "baseline-token"
	staticAmount = 1_000_000 // fen: the amount the bench posts
	shutdownWait = 15 * time.Second
)

// Serve serves Handler on addr until ctx ends, with the http.Server settings of scfx
// serve, and writes its address to log once it listens.
func Serve(ctx context.Context, addr string, log io.Writer) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: Handler(), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	fmt.Fprintf(log, "baseline serving on %s\n", ln.Addr())
	select {
	case err = <-errc:
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), shutdownWait)
		err = hs.Shutdown(sctx)
		cancel()
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// Handler answers the routes the bench loads.
func Handler() http.Handler {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	e.POST("/v1/clusters", create("cls_1"))
	e.POST("/v1/participants", create("par_1"))
	e.POST("/v1/receivables", func(c *gin.Context) {
		var in matcher.SubmitReceivable
		if err := decode(c, &in); err != nil {
			c.Header("Content-Type", "application/problem+json")
			c.AbortWithStatusJSON(http.StatusBadRequest, gin.H{"type": "about:blank", "title": "Validation failed",
				"status": http.StatusBadRequest, "detail": err.Error(), "code": "validation_failed"})
			return
		}
		c.JSON(http.StatusCreated, view("rcv_1", in))
	})
	e.GET("/v1/receivables/:id", func(c *gin.Context) {
		c.JSON(http.StatusOK, view(c.Param("id"), static))
	})
	e.GET("/v1/receivables", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"items": []any{}, "next_cursor": nil}) })
	e.GET("/v1/books/:core_id", func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"core_id": c.Param("core_id"), "listings": []any{}, "quotes": []any{}})
	})
	return e
}

// decode is the strict decoding of scfx's API: the body within the limit, one JSON
// object, no unknown fields, nothing after it.
func decode(c *gin.Context, v any) error {
	b, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, bodyMax))
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the JSON object")
	}
	return nil
}

// create answers a setup POST with a fake id (and token), echoing the body.
func create(id string) gin.HandlerFunc {
	return func(c *gin.Context) {
		var body map[string]any
		if err := decode(c, &body); err != nil {
			c.AbortWithStatusJSON(http.StatusBadRequest, gin.H{"code": "validation_failed", "detail": err.Error()})
			return
		}
		body["id"], body["token"] = id, Token
		c.JSON(http.StatusCreated, body)
	}
}

// static is what GET answers: the baseline keeps nothing.
var static = matcher.SubmitReceivable{
	DebtorID: "par_1", InvoiceNumber: "INV-00000001", Amount: staticAmount, Currency: "CNY",
	IssueDate: "2026-01-01", DueDate: "2026-04-01",
}

// view is a pending receivable as scfx serve renders one, with static values where
// the server would compute them.
func view(id string, in matcher.SubmitReceivable) api.ReceivableView {
	return api.ReceivableView{
		ID: id, Tier: 1, CreditorID: "par_2", HolderID: "par_2", DebtorID: in.DebtorID, InvoiceNumber: in.InvoiceNumber,
		Fingerprint: "0xa6aeff0216a8b81e00b4ce864b7614174f4d9e1e7496b1012c770352349b8ae5",
		Amount:      in.Amount, Remaining: in.Amount, Currency: in.Currency, IssueDate: in.IssueDate, DueDate: in.DueDate,
		Status: "pending_confirmation", ScoreBand: "D",
		ScoreComponents: []wire.ScoreComponent{{Name: "eligibility", Reason: "not financeable while pending_confirmation"}},
		ScorePolicy:     "chain-position/v1", Anchors: []wire.Anchor{}, CreatedAt: "2026-01-01T00:00:00.000Z",
		CreditNotes: []wire.CreditNote{}, Payments: []wire.Payment{},
	}
}
