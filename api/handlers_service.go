// SPDX-License-Identifier: Apache-2.0

package api

import (
	"context"
	_ "embed"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/matcher"
)

func (s *Server) healthz(c *gin.Context) { c.JSON(http.StatusOK, wire.Status{Status: "ok"}) }

// readyz: the journal and the ledger are reachable.
func (s *Server) readyz(c *gin.Context) {
	if s.cfg.Ready != nil {
		ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
		defer cancel()
		if err := s.cfg.Ready(ctx); err != nil {
			fail(c, errf(matcher.CodeUnavailable, "not ready: "+err.Error()))
			return
		}
	}
	c.JSON(http.StatusOK, wire.Status{Status: "ready"})
}

func (s *Server) ledger(c *gin.Context) {
	var v ledgerView
	var configured bool
	s.n.View(func(m *matcher.Matcher) {
		if l := m.Ledger(); l != nil {
			configured = true
			v.ChainID, v.RegistryAddress, v.AnchorerAddress = l.ChainID, l.Registry.Hex(), l.Anchorer.Hex()
		}
		v.PendingLeaves, _ = m.PendingCounts()
	})
	if !configured {
		fail(c, errf(matcher.CodeUnavailable, "the ledger is not configured yet"))
		return
	}
	if s.cfg.Ledger != nil {
		ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
		defer cancel()
		info, err := s.cfg.Ledger.Info(ctx)
		if err != nil {
			fail(c, errf(matcher.CodeUnavailable, "the ledger is unreachable: "+err.Error()))
			return
		}
		v.HeadBlock = info.HeadBlock
	}
	c.JSON(http.StatusOK, v)
}

//go:embed openapi.json
var openapiJSON []byte

func (s *Server) openapi(c *gin.Context) { c.Data(http.StatusOK, "application/json", openapiJSON) }

// The web console, built from console/ by make console (console/README.md).
var (
	//go:embed console/index.html
	consoleHTML []byte
	//go:embed console/console.js
	consoleJS []byte
	//go:embed console/console.css
	consoleCSS []byte
)

// consoleCSP lets the console load its own script and style and talk to this server
// only: no inline script, nothing from another origin, no framing, no form posts.
const consoleCSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func consoleHeaders(c *gin.Context) {
	c.Header("Content-Security-Policy", consoleCSP)
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Referrer-Policy", "no-referrer")
	c.Header("Cache-Control", "no-cache")
}

func (s *Server) console(c *gin.Context) {
	consoleHeaders(c)
	c.Header("X-Frame-Options", "DENY")
	c.Data(http.StatusOK, "text/html; charset=utf-8", consoleHTML)
}

func (s *Server) consoleScript(c *gin.Context) {
	consoleHeaders(c)
	c.Data(http.StatusOK, "text/javascript; charset=utf-8", consoleJS)
}

func (s *Server) consoleStyle(c *gin.Context) {
	consoleHeaders(c)
	c.Data(http.StatusOK, "text/css; charset=utf-8", consoleCSS)
}
