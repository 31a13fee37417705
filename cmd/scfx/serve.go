// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/spf13/cobra"

	"github.com/scfx/scfx/api"
	"github.com/scfx/scfx/internal/fsutil"
	"github.com/scfx/scfx/journal"
	"github.com/scfx/scfx/ledger"
	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/node"
	scfxreplica "github.com/scfx/scfx/replica" // package main's process tests declare a type replica
	"github.com/scfx/scfx/webhook"
)

// serveConfig is docs/operations.md §2: every flag has an SCFX_* variable.
type serveConfig struct {
	Addr                  string
	DataDir               string
	RedisURL              string
	RedisUnsafeDurability bool
	RedisMinReplicas      int // --redis-min-replicas; -1: the default (1 with Sentinel, 0 otherwise)
	EthRPC                string
	EthKeyFile            string
	RegistryAddress       string
	AdminTokenFile        string
	WebhookKeyFile        string
	AnchorMaxBatch        int
	AnchorMaxDelay        time.Duration
	AnchorFixedDelay      bool
	ChainHTTPAddr         string
	NodeID                string
	MetricsToken          string
	RatePerSecond         float64
	TrustedProxies        string // comma-separated IPs or CIDRs
	MaxConnections        int
	MaxConnsPerAddress    int
	SnapshotEvery         uint64
	SnapshotMinInterval   time.Duration
	TickEvery             time.Duration
	ClearEvery            time.Duration
	ShutdownTimeout       time.Duration
	GCPercent             int  // --gc-percent; applied when GCPercentSet or GOGC is unset
	GCPercentSet          bool // given as a flag or SCFX_GC_PERCENT
}

// defaultGCPercent is serve's GOGC. The whole market lives in the heap and every
// collection marks all of it, so at the runtime's default of 100 the collector takes
// a large share of serve's CPU under POST load (docs/benchmarks.md has the profile).
// 400 collects a quarter as often and lets the heap grow to about five times the
// live state; the soft memory limit (memlimit.go) makes the collector work harder as
// the heap nears the memory serve may use. --gc-percent or GOGC choose otherwise.
const defaultGCPercent = 400

// gcPercent is the GOGC serve sets, and whether it sets one: --gc-percent (or
// SCFX_GC_PERCENT) when given; nothing when GOGC is in the environment (the runtime
// has applied it); defaultGCPercent otherwise.
func gcPercent(flag int, flagSet bool, gogcEnv string) (int, bool) {
	switch {
	case flagSet:
		return flag, true
	case gogcEnv != "":
		return 0, false
	default:
		return defaultGCPercent, true
	}
}

func durationEnv(name string, def time.Duration) time.Duration {
	if v, ok := os.LookupEnv(name); ok {
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
	}
	return def
}

func intEnv(name string, def int) int {
	if v, ok := os.LookupEnv(name); ok {
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	}
	return def
}

func serveCmd() *cobra.Command {
	var cfg serveConfig
	cmd := &cobra.Command{
		Use:   "serve",
		Args:  cobra.NoArgs,
		Short: "Run scfx: API, journal, matcher and ledger (embedded chain by default)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, env := os.LookupEnv("SCFX_GC_PERCENT")
			cfg.GCPercentSet = env || cmd.Flags().Changed("gc-percent")
			return serve(cmd.Context(), cfg)
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.Addr, "addr", envOr("SCFX_ADDR", "127.0.0.1:8080"), "listen address (SCFX_ADDR)")
	f.StringVar(&cfg.DataDir, "data-dir", envOr("SCFX_DATA_DIR", "./data"), "data directory (SCFX_DATA_DIR)")
	f.StringVar(&cfg.RedisURL, "redis-url", envOr("SCFX_REDIS_URL", ""), "Redis journal, redis://host:port/db, or redis-sentinel://host:port,host:port/master-name/db for a primary found through Sentinel; unset: file journal (SCFX_REDIS_URL)")
	f.IntVar(&cfg.RedisMinReplicas, "redis-min-replicas", intEnv("SCFX_REDIS_MIN_REPLICAS", -1), "Redis replicas that must have an append before it is acknowledged (WAIT/WAITAOF), 0 to 16; default 1 with a redis-sentinel:// URL, 0 otherwise (SCFX_REDIS_MIN_REPLICAS)")
	f.BoolVar(&cfg.RedisUnsafeDurability, "redis-unsafe-durability", os.Getenv("SCFX_REDIS_UNSAFE_DURABILITY") == "true", "accept a Redis without appendonly yes / appendfsync always: acknowledged commands may be lost in a Redis crash (SCFX_REDIS_UNSAFE_DURABILITY)")
	f.StringVar(&cfg.EthRPC, "eth-rpc", envOr("SCFX_ETH_RPC", ""), "Ethereum JSON-RPC URL; unset: embedded chain (SCFX_ETH_RPC)")
	f.StringVar(&cfg.EthKeyFile, "eth-key-file", envOr("SCFX_ETH_KEY_FILE", ""), "with --eth-rpc (required there): hex secp256k1 key file of the account that sends registry transactions; the embedded chain ignores it and makes its own, <data-dir>/chain/operator.key (SCFX_ETH_KEY_FILE)")
	f.StringVar(&cfg.RegistryAddress, "registry-address", envOr("SCFX_REGISTRY_ADDRESS", ""), "ScfxRegistry address; unset: deploy on first start (SCFX_REGISTRY_ADDRESS)")
	f.StringVar(&cfg.AdminTokenFile, "admin-token-file", envOr("SCFX_ADMIN_TOKEN_FILE", ""), "operator token file; default <data-dir>/admin.token (SCFX_ADMIN_TOKEN_FILE); SCFX_ADMIN_TOKEN overrides")
	f.StringVar(&cfg.WebhookKeyFile, "webhook-key-file", envOr("SCFX_WEBHOOK_KEY_FILE", ""), "key that webhooks' signing secrets are derived from (64 hex digits), made on first start if missing; replicas of one journal must share it; default <data-dir>/webhook.key (SCFX_WEBHOOK_KEY_FILE)")
	f.IntVar(&cfg.AnchorMaxBatch, "anchor-max-batch", intEnv("SCFX_ANCHOR_MAX_BATCH", 1000), "leaves per anchor transaction (SCFX_ANCHOR_MAX_BATCH)")
	f.DurationVar(&cfg.AnchorMaxDelay, "anchor-max-delay", durationEnv("SCFX_ANCHOR_MAX_DELAY", time.Second), "longest a leaf waits for its batch (SCFX_ANCHOR_MAX_DELAY)")
	f.BoolVar(&cfg.AnchorFixedDelay, "anchor-fixed-delay", os.Getenv("SCFX_ANCHOR_FIXED_DELAY") == "true", "every batch that is not full waits --anchor-max-delay; default: it goes at once unless the last --anchor-max-delay's arrivals would fill it by then (SCFX_ANCHOR_FIXED_DELAY)")
	f.StringVar(&cfg.ChainHTTPAddr, "chain-http", envOr("SCFX_CHAIN_HTTP", ""), "serve the embedded chain's JSON-RPC here, e.g. 127.0.0.1:8545, for scfx verify and auditors; unset: in-process only (SCFX_CHAIN_HTTP)")
	f.StringVar(&cfg.NodeID, "node-id", envOr("SCFX_NODE_ID", ""), "replica name; default host name and data dir (SCFX_NODE_ID)")
	f.StringVar(&cfg.MetricsToken, "metrics-token", envOr("SCFX_METRICS_TOKEN", ""), "bearer token for /metrics; unset: open (SCFX_METRICS_TOKEN)")
	f.Float64Var(&cfg.RatePerSecond, "rate-limit", float64(intEnv("SCFX_RATE_LIMIT", api.DefaultRatePerSecond)), "requests per second per token (SCFX_RATE_LIMIT)")
	f.StringVar(&cfg.TrustedProxies, "trusted-proxies", envOr("SCFX_TRUSTED_PROXIES", ""), "comma-separated IPs or CIDRs of proxies whose X-Forwarded-For names the client, for the per-address limits; unset: none (SCFX_TRUSTED_PROXIES)")
	f.IntVar(&cfg.MaxConnections, "max-connections", intEnv("SCFX_MAX_CONNECTIONS", api.DefaultMaxConnections), "HTTP connections open at once; more wait in the listen backlog; -1: no limit (SCFX_MAX_CONNECTIONS)")
	f.IntVar(&cfg.MaxConnsPerAddress, "max-connections-per-address", intEnv("SCFX_MAX_CONNECTIONS_PER_ADDRESS", api.DefaultMaxConnectionsPerAddress), "HTTP connections open at once from one client address (trusted proxies excepted); more are closed at once; -1: no limit (SCFX_MAX_CONNECTIONS_PER_ADDRESS)")
	f.Uint64Var(&cfg.SnapshotEvery, "snapshot-every", uint64(intEnv("SCFX_SNAPSHOT_EVERY", node.DefaultSnapshotEvery)), "snapshot after this many entries (SCFX_SNAPSHOT_EVERY)")
	f.DurationVar(&cfg.SnapshotMinInterval, "snapshot-min-interval", durationEnv("SCFX_SNAPSHOT_MIN_INTERVAL", 30*time.Second), "at most one periodic snapshot this often (SCFX_SNAPSHOT_MIN_INTERVAL)")
	f.DurationVar(&cfg.TickEvery, "tick-every", durationEnv("SCFX_TICK_EVERY", time.Minute), "how often time moves maturities forward (SCFX_TICK_EVERY)")
	f.DurationVar(&cfg.ClearEvery, "clear-every", durationEnv("SCFX_CLEAR_EVERY", 0), "how often the books in auction mode are cleared; 0: only by POST /v1/books/{core_id}/auctions (SCFX_CLEAR_EVERY)")
	f.IntVar(&cfg.GCPercent, "gc-percent", intEnv("SCFX_GC_PERCENT", defaultGCPercent), "Go GC target percentage (GOGC) for serve; -1 turns the collector off. Default 400 unless GOGC is set (SCFX_GC_PERCENT)")
	f.DurationVar(&cfg.ShutdownTimeout, "shutdown-timeout", durationEnv("SCFX_SHUTDOWN_TIMEOUT", 15*time.Second), "drain time on SIGINT/SIGTERM (SCFX_SHUTDOWN_TIMEOUT)")
	return cmd
}

// Bounds of the operator's token: shorter is guessable, longer is not a token (and
// the API refuses bearer tokens over 256 bytes).
const (
	adminTokenMinLen = 32
	adminTokenMaxLen = 256
)

// adminToken is SCFX_ADMIN_TOKEN, or the token file, made on first start (0600,
// written whole or not at all).
func adminToken(cfg serveConfig) (string, error) {
	if t := os.Getenv("SCFX_ADMIN_TOKEN"); t != "" {
		if err := checkAdminToken(t); err != nil {
			return "", fmt.Errorf("SCFX_ADMIN_TOKEN %w", err)
		}
		return t, nil
	}
	path := cfg.AdminTokenFile
	if path == "" {
		path = filepath.Join(cfg.DataDir, "admin.token")
	}
	b, err := os.ReadFile(path)
	if err == nil {
		t := strings.TrimSpace(string(b))
		if t == "" {
			return "", fmt.Errorf("admin token file %s is empty: delete it to have a new token made, or write the token into it", path)
		}
		if err := checkAdminToken(t); err != nil {
			return "", fmt.Errorf("admin token file %s: the token %w", path, err)
		}
		return t, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("read admin token: %w", err)
	}
	t := api.NewToken()
	if err := fsutil.WriteFileAtomic(path, []byte(t+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("write admin token %s: %w", path, err)
	}
	return t, nil
}

func checkAdminToken(t string) error {
	if len(t) < adminTokenMinLen || len(t) > adminTokenMaxLen {
		return fmt.Errorf("must be %d to %d characters long, not %d (make one with: openssl rand -hex 32)", adminTokenMinLen, adminTokenMaxLen, len(t))
	}
	return nil
}

// adminTokenSource says where the operator's token is, for the log: never the token.
func adminTokenSource(cfg serveConfig) string {
	if os.Getenv("SCFX_ADMIN_TOKEN") != "" {
		return "SCFX_ADMIN_TOKEN"
	}
	if cfg.AdminTokenFile != "" {
		return cfg.AdminTokenFile
	}
	return filepath.Join(cfg.DataDir, "admin.token")
}

// addrLookupMax bounds the name lookup of --addr's host at start.
const addrLookupMax = 5 * time.Second

// checkListenAddr refuses a listen address serve could not bind, before the journal
// and the chain start: host:port with a port number or service name, and a host that
// is empty, an IP or a name that resolves.
func checkListenAddr(ctx context.Context, flag, addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%s %q: want host:port, e.g. 127.0.0.1:8080 or :8080: %w", flag, addr, err)
	}
	if _, err := net.LookupPort("tcp", port); err != nil {
		return fmt.Errorf("%s %q: port %q is not a port number (0-65535): %w", flag, addr, port, err)
	}
	if host == "" || net.ParseIP(host) != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, addrLookupMax)
	defer cancel()
	if _, err := net.DefaultResolver.LookupHost(ctx, host); err != nil {
		return fmt.Errorf("%s %q: host %q does not resolve: %w", flag, addr, host, err)
	}
	return nil
}

// consoleURL is where a browser on this machine finds the console: a wildcard
// listen address is reached through localhost.
func consoleURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String() + "/"
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}

func serve(ctx context.Context, cfg serveConfig) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := checkListenAddr(ctx, "--addr", cfg.Addr); err != nil {
		return err
	}
	if cfg.ChainHTTPAddr != "" {
		if err := checkListenAddr(ctx, "--chain-http", cfg.ChainHTTPAddr); err != nil {
			return err
		}
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	redis.SetLogger(journal.NewRedisLogger(log))
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return err
	}
	if cfg.NodeID == "" {
		host, _ := os.Hostname()
		abs, _ := filepath.Abs(cfg.DataDir)
		cfg.NodeID = host + ":" + abs
	}
	token, err := adminToken(cfg)
	if err != nil {
		return err
	}
	log.Info("operator token", "from", adminTokenSource(cfg))
	if cfg.EthRPC == "" && cfg.EthKeyFile != "" {
		log.Warn("--eth-key-file is ignored without --eth-rpc: the embedded chain sends from its own key", "key_file", filepath.Join(cfg.DataDir, "chain", "operator.key"))
	}
	if pct, ok := gcPercent(cfg.GCPercent, cfg.GCPercentSet, os.Getenv("GOGC")); ok {
		debug.SetGCPercent(pct)
		log.Info("go collector", "gc_percent", pct)
	}
	if limit, ok := memoryLimit(os.Getenv("GOMEMLIMIT"), memoryAvailable()); ok {
		debug.SetMemoryLimit(limit)
		log.Info("go soft memory limit", "bytes", limit)
	}
	if soft, hard, err := raiseOpenFiles(); err != nil {
		log.Warn("could not raise the open files limit", "soft", soft, "hard", hard, "err", err)
	} else {
		log.Info("open files limit", "soft", soft, "hard", hard)
		if soft > 0 && cfg.MaxConnections > 0 && uint64(cfg.MaxConnections)+fdReserve > soft {
			log.Warn("--max-connections leaves too few file descriptors for the journal and the chain: lowered",
				"max_connections", cfg.MaxConnections, "open_files", soft, "now", max(64, int(soft)-fdReserve))
			cfg.MaxConnections = max(64, int(soft)-fdReserve)
		}
	}
	if cfg.WebhookKeyFile == "" {
		cfg.WebhookKeyFile = filepath.Join(cfg.DataDir, "webhook.key")
	}
	webhookKey, err := webhook.LoadKey(cfg.WebhookKeyFile)
	if err != nil {
		return err
	}
	log.Info("webhook key", "file", cfg.WebhookKeyFile, "key_id", webhook.KeyID(webhookKey))
	proxies, err := api.ParseTrustedProxies(cfg.TrustedProxies)
	if err != nil {
		return err
	}
	minReplicas, err := redisMinReplicas(cfg.RedisMinReplicas)
	if err != nil {
		return err
	}
	sys, err := scfxreplica.Open(ctx, scfxreplica.Config{
		DataDir: cfg.DataDir, NodeID: cfg.NodeID, RedisURL: cfg.RedisURL, RedisUnsafeDurability: cfg.RedisUnsafeDurability,
		RedisMinReplicas: minReplicas, EthRPC: cfg.EthRPC, EthKeyFile: cfg.EthKeyFile, RegistryAddress: cfg.RegistryAddress, ChainHTTPAddr: cfg.ChainHTTPAddr,
		SnapshotEvery: cfg.SnapshotEvery, SnapshotMinInterval: cfg.SnapshotMinInterval, TickEvery: cfg.TickEvery,
		ClearEvery: cfg.ClearEvery, AnchorMaxBatch: cfg.AnchorMaxBatch, AnchorMaxDelay: cfg.AnchorMaxDelay, AnchorFixedDelay: cfg.AnchorFixedDelay,
		WebhookKey: webhookKey, WebhookView: func(e *matcher.Event) any { return api.ViewEvent(e) },
	}, log)
	if err != nil {
		return err
	}
	var repl *api.NodeReplication
	if r := sys.Replication(); r != nil {
		repl = &api.NodeReplication{Sentinel: r.Sentinel, MasterName: r.MasterName, Wait: r.Wait, MinReplicas: r.MinReplicas, ReplicaDurability: r.ReplicaDurability}
	}
	srv := api.New(api.Config{
		Node: sys.Node(), Feed: sys.Feed(), Ledger: ledgerInfo{sys.Chain()}, AdminToken: token, NodeID: cfg.NodeID, JournalKind: sys.JournalKind(),
		Replication: repl, IsAnchorer: sys.IsAnchorer, Ready: sys.Ready,
		RatePerSecond: cfg.RatePerSecond, TrustedProxies: proxies, MetricsToken: cfg.MetricsToken, Logger: log,
		MaxConnections: cfg.MaxConnections, MaxConnectionsPerAddress: cfg.MaxConnsPerAddress,
		WebhookKey: webhookKey, WebhookDeliveries: sys.WebhookDeliveries,
	})
	return run(ctx, cfg, log, srv, sys)
}

// redisMinReplicas maps --redis-min-replicas to journal.RedisOptions.MinReplicas:
// -1 (the flag's default) to 0 (the journal's default: 1 with Sentinel, else none),
// 0 to journal.RedisNoReplicas.
func redisMinReplicas(flag int) (int, error) {
	switch {
	case flag == -1:
		return 0, nil
	case flag == 0:
		return journal.RedisNoReplicas, nil
	case flag < 0 || flag > journal.RedisMaxReplicas:
		return 0, fmt.Errorf("--redis-min-replicas %d: want 0 to %d", flag, journal.RedisMaxReplicas)
	}
	return flag, nil
}

// ledgerInfo is the chain as GET /v1/ledger reports it.
type ledgerInfo struct{ b ledger.Backend }

func (l ledgerInfo) Info(ctx context.Context) (api.LedgerInfo, error) {
	i, err := ledger.LedgerInfo(ctx, l.b)
	if err != nil {
		return api.LedgerInfo{}, err
	}
	return api.LedgerInfo{ChainID: i.ChainID, Registry: i.RegistryAddress, Anchorer: i.AnchorerAddress, HeadBlock: i.HeadBlock}, nil
}

// idleTimeout closes a keep-alive connection nobody uses: an idle connection holds a
// slot of --max-connections, so a client that opens many and sends nothing gives
// them back this soon. It is longer than the upstream keepalive_timeout in
// deploy/nginx.conf, so that the proxy closes its idle connections, never scfx one
// the proxy is about to reuse.
const idleTimeout = 30 * time.Second

// fdReserve is the file descriptors kept for the journal, snapshots and the
// embedded chain's database when --max-connections is checked against the limit.
const fdReserve = 1024

// run serves until SIGINT/SIGTERM, then stops accepting, drains, snapshots and returns nil.
func run(ctx context.Context, cfg serveConfig, log *slog.Logger, h *api.Server, sys *scfxreplica.Replica) error {
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		sys.Close()
		return err
	}
	ln = h.LimitListener(ln)
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: idleTimeout}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	bctx, stopBackground := context.WithCancel(context.Background())
	backgroundDone := make(chan struct{})
	go func() {
		defer close(backgroundDone)
		sys.Run(bctx)
	}()
	log.Info("scfx serving", "addr", ln.Addr().String(), "console", consoleURL(ln.Addr()), "data_dir", cfg.DataDir, "node_id", cfg.NodeID)
	select {
	case err = <-errc:
	case <-ctx.Done():
		log.Info("shutting down: draining requests")
		sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
		err = hs.Shutdown(sctx)
		cancel()
	}
	stopBackground()
	<-backgroundDone
	if cerr := sys.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	log.Info("stopped", "snapshot_seq", sys.Node().SnapshotSeq(), "err", err)
	return err
}
