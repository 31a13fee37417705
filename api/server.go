// SPDX-License-Identifier: Apache-2.0

// Package api is scfx's HTTP interface (docs/api.md) on Gin: routing, authentication,
// strict decoding, problem+json errors, idempotency keys, rate limits, metrics and
// the OpenAPI document. It builds commands and submits them to the node; every rule
// is checked again by the matcher.
package api

import (
	"context"
	"crypto/sha256"
	"log/slog"
	"math"
	"net/http"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/feed"
	"github.com/scfx/scfx/node"
)

// LedgerInfo is what GET /v1/ledger reports of the chain.
type LedgerInfo struct {
	ChainID         uint64
	Registry        common.Address
	Anchorer        common.Address
	HeadBlock       uint64
	ConfirmationsOK bool
}

// Ledger is the chain as the API sees it: the embedded chain or an RPC node.
type Ledger interface {
	Info(ctx context.Context) (LedgerInfo, error)
}

// Config configures a Server.
type Config struct {
	Node          *node.Node
	Feed          *feed.Feed // the node's event feed; nil: GET /v1/events is unavailable
	Ledger        Ledger     // nil: GET /v1/ledger reports what the matcher knows
	AdminToken    string     // the operator's bearer token
	NodeID        string
	JournalKind   string      // "file" or "redis"
	IsAnchorer    func() bool // whether this replica runs the anchorer
	Ready         func(ctx context.Context) error
	RatePerSecond float64 // per token; 0: DefaultRatePerSecond
	RateBurst     int     // 0: twice RatePerSecond (README "Configuration")
	// Failed authentications per client address (limits.go); 0: the defaults.
	AuthFailuresPerSecond float64
	AuthFailureBurst      int
	// TrustedProxies are the addresses (CIDR or IP) whose X-Forwarded-For names the
	// client; nil: none, the client is the connection's peer.
	TrustedProxies []string
	// MaxConnections and MaxConnectionsPerAddress are LimitListener's caps (conns.go);
	// 0: the defaults, -1: none.
	MaxConnections           int
	MaxConnectionsPerAddress int
	MetricsToken             string // if set, /metrics needs it as a bearer token
	RequestTimeout           time.Duration
	Logger                   *slog.Logger
	Registry                 *prometheus.Registry // nil: a new one
	// Replication is GET /v1/node's replication: how the Redis journal is replicated
	// (nil with the file journal).
	Replication *NodeReplication
	// WebhookKey derives webhooks' signing secrets (package webhook); nil: POST
	// /v1/webhooks is unavailable.
	WebhookKey []byte
	// WebhookDeliveries is the deliverer's record of a webhook's recent deliveries,
	// newest first, and whether this replica delivers now; nil: it never does.
	WebhookDeliveries func(webhookID string, limit int) ([]wire.WebhookDelivery, bool)
}

// Defaults.
const (
	DefaultRatePerSecond  = 500
	DefaultRequestTimeout = 10 * time.Second
)

// Server is the HTTP handler of one node.
type Server struct {
	cfg       Config
	n         *node.Node
	adminHash [32]byte
	limits    *limiter
	authFails *authFailures
	metrics   *metrics
	engine    *gin.Engine
	log       *slog.Logger
	streams   streams // open event streams per caller
}

// New builds the router.
func New(cfg Config) *Server {
	if cfg.RatePerSecond <= 0 {
		cfg.RatePerSecond = DefaultRatePerSecond
	}
	if cfg.RateBurst <= 0 {
		cfg.RateBurst = max(1, int(math.Ceil(2*cfg.RatePerSecond)))
	}
	if cfg.AuthFailuresPerSecond <= 0 {
		cfg.AuthFailuresPerSecond = DefaultAuthFailuresPerSecond
	}
	if cfg.AuthFailureBurst <= 0 {
		cfg.AuthFailureBurst = DefaultAuthFailureBurst
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	if cfg.JournalKind == "" {
		cfg.JournalKind = "file"
	}
	if cfg.IsAnchorer == nil {
		cfg.IsAnchorer = func() bool { return true }
	}
	gin.SetMode(gin.ReleaseMode)
	s := &Server{
		cfg: cfg, n: cfg.Node, adminHash: sha256.Sum256([]byte(cfg.AdminToken)),
		limits:    newLimiter(cfg.RatePerSecond, cfg.RateBurst),
		authFails: newAuthFailures(cfg.AuthFailuresPerSecond, cfg.AuthFailureBurst, authFailAddrsMax),
		log:       cfg.Logger,
	}
	s.metrics = newMetrics(cfg.Registry, cfg.Node)
	s.engine = s.routes()
	if err := s.engine.SetTrustedProxies(cfg.TrustedProxies); err != nil {
		panic("api: trusted proxies: " + err.Error()) // serve checks them first (CheckTrustedProxies)
	}
	return s
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.engine.ServeHTTP(w, r) }

// Engine exposes the router (tests compare it with the OpenAPI document).
func (s *Server) Engine() *gin.Engine { return s.engine }

func (s *Server) routes() *gin.Engine {
	e := gin.New()
	e.HandleMethodNotAllowed = true
	e.Use(s.recoverer, s.metrics.middleware)
	e.NoRoute(func(c *gin.Context) { fail(c, errf("not_found", "no such endpoint")) })
	e.NoMethod(func(c *gin.Context) { fail(c, errf("not_found", "no such method on this endpoint")) })

	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", s.serveMetrics)
	e.GET("/openapi.json", s.openapi)
	e.GET("/", s.console)
	e.GET("/console.js", s.consoleScript)
	e.GET("/console.css", s.consoleStyle)

	v := e.Group("/v1", s.limitAuthFailures, s.authenticate, canonicalPathIDs)
	v.POST("/clusters", s.createCluster)
	v.GET("/clusters", s.listClusters)
	v.GET("/clusters/:id", s.getCluster)
	v.POST("/participants", s.createParticipant)
	v.GET("/participants", s.listParticipants)
	v.GET("/participants/:id", s.getParticipant)
	v.PATCH("/participants/:id", s.setParticipantStatus)
	v.POST("/participants/:id/tokens", s.issueToken)
	v.GET("/participants/:id/tokens", s.listTokens)
	v.DELETE("/participants/:id/tokens/:token_id", s.revokeToken)
	v.GET("/directory", s.directory)
	v.POST("/participants/:id/changes", s.changeParticipant)
	v.GET("/participants/:id/changes", s.participantChanges)

	v.POST("/receivables", s.submitReceivable)
	v.GET("/receivables", s.listReceivables)
	v.GET("/receivables/:id", s.getReceivable)
	v.GET("/receivables/:id/typed-data", s.confirmationTypedData)
	v.POST("/receivables/:id/confirm", s.confirm)
	v.POST("/receivables/:id/transfers", s.transfer)
	v.GET("/receivables/:id/transfers/typed-data", s.transferTypedData)
	v.POST("/receivables/:id/listings", s.list)
	v.POST("/receivables/:id/settle", s.settle)
	v.POST("/receivables/:id/reject", s.rejectReceivable)
	v.POST("/receivables/:id/credit-notes", s.creditNote)
	v.GET("/receivables/:id/credit-notes/typed-data", s.creditNoteTypedData)
	v.POST("/receivables/:id/payments", s.recordPayment)
	v.GET("/receivables/:id/proof", s.proof)
	v.GET("/receivables/:id/lineage", s.lineage)
	v.GET("/listings", s.listListings)
	v.DELETE("/listings/:id", s.cancelListing)
	v.GET("/listings/:id", s.getListing)

	v.POST("/offers", s.postOffer)
	v.GET("/offers", s.listOffers)
	v.GET("/offers/:id", s.getOffer)
	v.DELETE("/offers/:id", s.cancelOffer)
	v.GET("/matches", s.listMatches)
	v.GET("/matches/:id", s.getMatch)
	v.POST("/matches/:id/fund", s.fund)
	v.POST("/matches/:id/repayments", s.confirmRepayment)
	v.POST("/matches/:id/recourse", s.exerciseRecourse)
	v.POST("/matches/:id/write-off", s.writeOff)
	v.GET("/books/:core_id", s.book)
	v.PATCH("/books/:core_id", s.setBookMode)
	v.POST("/books/:core_id/auctions", s.clearAuction)

	v.GET("/events", s.events)
	v.POST("/webhooks", s.registerWebhook)
	v.GET("/webhooks", s.listWebhooks)
	v.GET("/webhooks/:id", s.getWebhook)
	v.DELETE("/webhooks/:id", s.deleteWebhook)
	v.GET("/webhooks/:id/deliveries", s.webhookDeliveries)

	v.GET("/ledger", s.ledger)
	v.GET("/node", s.nodeInfo)
	v.GET("/log/head", s.logHead)
	v.GET("/log/entries", s.logEntries)
	v.GET("/log/inclusion", s.logInclusion)
	v.GET("/log/consistency", s.logConsistency)
	return e
}

// recoverer turns a panic in a handler into a 500 problem; it never hides one.
func (s *Server) recoverer(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			s.log.Error("handler panic", "path", c.Request.URL.Path, "panic", v)
			p := Problem{Type: problemTypeBase + "internal", Title: "Internal error", Status: 500, Detail: "internal error", Code: "internal"}
			c.Header("Content-Type", "application/problem+json")
			c.AbortWithStatusJSON(500, p)
		}
	}()
	c.Next()
}
