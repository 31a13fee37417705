// SPDX-License-Identifier: Apache-2.0

package main

// scfx demo: a small market run through its whole life over the HTTP API, as its
// participants' clients would — the operator onboards, SMEs upload invoices, cores
// sign confirmations like a wallet, holders sign transfers up the chain, banks post
// offers, holders list, lenders fund, anyone checks proofs, cores pay. It ends with
// what reached each tier.
//
// The file is over the ~600-line habit of STYLE.md: the command, the server it can
// start and its small HTTP client (with the --verbose printer) were written as one
// unit. The seams are the "----" sections; split them into demo_server.go and
// demo_client.go when one of them grows.

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/spf13/cobra"

	"github.com/scfx/scfx/ledger"
	"github.com/scfx/scfx/merkle"
	"github.com/scfx/scfx/uscc"
)

// Limits of the demo's client.
const (
	demoCallTimeout   = 30 * time.Second // one HTTP call
	demoAttemptsMax   = 3                // per call, on 429, 503 and broken connections
	demoBodyMax       = 4 << 20          // bytes of a response read
	demoEchoLinesMax  = 40               // lines of a pretty body printed by --verbose
	demoEchoBytesMax  = 3000             // bytes of a pretty body printed by --verbose
	demoPollMin       = 20 * time.Millisecond
	demoPollMax       = 250 * time.Millisecond
	demoServerStopMax = 20 * time.Second // SIGTERM, then SIGKILL
	demoListMaxBps    = 800              // what most holders accept
	demoGreedyMaxBps  = 400              // one holder asks for less than anyone quotes
	demoTenorMaxDays  = 180
	demoClusterYears  = 3
	demoCertYears     = 2
)

type demoConfig struct {
	URL, Token, DataDir, ChainRPC string
	Verbose                       bool
	Wait, Timeout                 time.Duration
}

func demoCmd() *cobra.Command {
	var cfg demoConfig
	cmd := &cobra.Command{
		Use:   "demo",
		Args:  cobra.NoArgs,
		Short: "Run a small market's whole life over the HTTP API and print what each tier got",
		Long: `Builds two clusters, two cores, six SMEs at tiers 1-3 and three banks, and runs
invoices, confirmations, transfers, offers, listings, matches, funding, proofs and
settlement over the HTTP API. With no --url it starts its own server (this binary's
serve, on a free 127.0.0.1 port with a temporary data directory) and stops it at the end.`,
		Example: `  scfx demo --verbose
  scfx demo --url http://127.0.0.1:8080 --data-dir ./data --chain-rpc http://127.0.0.1:8545`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// Whatever ends the demo early must still stop the server it started: an
			// interrupt, a closed terminal, or a reader that went away (scfx demo | head)
			// — SIGPIPE would otherwise kill this process and leave the child running.
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGPIPE)
			defer stop()
			ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
			defer cancel()
			return runDemo(ctx, cfg, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.URL, "url", "", "a running server's base URL; unset: start one")
	f.StringVar(&cfg.Token, "token", "", "the operator's token (with --url; default SCFX_ADMIN_TOKEN, then <data-dir>/admin.token)")
	f.StringVar(&cfg.DataDir, "data-dir", "", "the server's data directory, to read admin.token (with --url; default ./data)")
	f.StringVar(&cfg.ChainRPC, "chain-rpc", "", "the chain's JSON-RPC URL, to check proofs on chain (with --url; the server's --chain-http)")
	f.BoolVarP(&cfg.Verbose, "verbose", "v", false, "print every HTTP call: method, path, request body, status, response body")
	f.DurationVar(&cfg.Wait, "wait", time.Minute, "longest wait for the ledger (financeable, anchored)")
	f.DurationVar(&cfg.Timeout, "timeout", 5*time.Minute, "longest the whole demo may take")
	return cmd
}

// ---- the market ----

type demoClusterSpec struct{ name, county, level, industry string }

// Two certified clusters in two of the pilot industries: a national 汽车零部件 cluster
// (Ningbo Beilun) and a provincial 电气机械 one (Yueqing).
var demoClusters = []demoClusterSpec{
	{"宁波市北仑区汽车零部件产业集群", "330206", "national", "汽车零部件及配件制造"},
	{"乐清市电气机械和器材产业集群", "330382", "provincial", "电气机械和器材制造"},
}

type demoSMESpec struct {
	name, division string
	cluster        int // index in demoClusters, -1: none
	cert           string
}

// demoChainSpec is one supply chain: a core, its tier 1-3 suppliers, one invoice of
// the tier-1 supplier and the parts passed up to tiers 2 and 3.
type demoChainSpec struct {
	core, coreDivision, rating string
	smes                       [3]demoSMESpec
	amountFen                  int64
	toTier2Fen, toTier3Fen     int64
	dueDays                    int
	tier2MaxBps                int64 // what the tier-2 holder accepts
	// tier1MinFillFen is the tier-1 holder's minimum fill (0: the whole amount from
	// one lender): set, its claim may be shared by several lenders' lines.
	tier1MinFillFen int64
}

var demoChains = []demoChainSpec{{
	core: "甬海汽车集团股份有限公司", coreDivision: "330206", rating: "AAA",
	smes: [3]demoSMESpec{
		{"宁波北仑精工汽车零部件有限公司", "330206", 0, "little_giant"},
		{"宁波甬信精密模具有限公司", "330206", 0, "specialized"},
		{"余姚市恒达五金冲压厂", "330281", -1, "none"},
	},
	amountFen: 860_000_000, toTier2Fen: 240_000_000, toTier3Fen: 90_000_000, dueDays: 120, tier2MaxBps: demoListMaxBps,
	tier1MinFillFen: 100_000_000,
}, {
	core: "瓯江电气集团有限公司", coreDivision: "330382", rating: "AA",
	smes: [3]demoSMESpec{
		{"乐清智联电器有限公司", "330382", 1, "specialized"},
		{"温州瓯越精密电子有限公司", "330302", 1, "innovative"},
		{"乐清市柳市宏达开关配件厂", "330382", -1, "none"},
	},
	amountFen: 520_000_000, toTier2Fen: 180_000_000, toTier3Fen: 60_000_000, dueDays: 90, tier2MaxBps: demoGreedyMaxBps,
}}

var demoLenders = []string{"东海银行宁波分行", "甬江农村商业银行", "瓯江银行温州分行"}

// demoOfferSpec: a lender's line on a chain's core, its rates for bands A, B and C,
// and its filters (the core's own cluster, a minimum certification). The rural bank's
// cheap line for its own cluster is smaller than chain 0's tier-1 claim, so that
// claim, listed with a minimum fill, is shared with the first bank's line.
type demoOfferSpec struct {
	lender, chain int
	lineFen       int64
	a, b, c       int64
	ownCluster    bool
	minCert       string
}

var demoOffers = []demoOfferSpec{
	{lender: 0, chain: 0, lineFen: 2_000_000_000, a: 340, b: 410, c: 520},
	{lender: 1, chain: 0, lineFen: 400_000_000, a: 310, b: 380, c: 480, ownCluster: true},
	{lender: 2, chain: 1, lineFen: 800_000_000, a: 380, b: 460, c: 560, minCert: "innovative"},
	{lender: 0, chain: 1, lineFen: 500_000_000, a: 420, b: 500, c: 620},
}

// demoParty is a participant as its client holds it.
type demoParty struct {
	Name, Role, ID, Token, USCC string
	Key                         *ecdsa.PrivateKey // SMEs and cores
	Address                     common.Address
}

// demoRcv is what the demo reads of a receivable; heldFen, listing and match are its own notes.
type demoRcv struct {
	ID           string `json:"id"`
	Tier         int    `json:"tier"`
	Status       string `json:"status"`
	Amount       int64  `json:"amount"`
	Remaining    int64  `json:"remaining"`
	DueDate      string `json:"due_date"`
	Score        int    `json:"score"`
	ScoreBand    string `json:"score_band"`
	Confirmation *struct {
		Signature string `json:"signature"`
		Digest    string `json:"digest"`
	} `json:"confirmation"`
	Anchors []struct {
		Kind  string `json:"kind"`
		Block uint64 `json:"block_number"`
	} `json:"anchors"`

	holder, core *demoParty
	signedAt     time.Time // confirmed or transferred: the ledger's wait starts here
	heldFen      int64
	listing      string
	listedFen    int64
	matches      []*demoMatch // the listing's fills, one per line that took part
}

type demoMatch struct {
	ID           string `json:"id"`
	ReceivableID string `json:"receivable_id"`
	LenderID     string `json:"lender_id"`
	Amount       int64  `json:"amount"`
	RateBps      int64  `json:"rate_bps"`
	Days         int    `json:"days"`
	Discount     int64  `json:"discount"`
	Advance      int64  `json:"advance"`
	Status       string `json:"status"`
}

type demo struct {
	cfg      demoConfig
	out      io.Writer
	h        *demoHTTP
	rpc      string // chain JSON-RPC for on-chain proof checks; "": local Merkle check only
	run      string // makes USCCs and invoice numbers unique per run
	n        int
	admin    *demoParty
	cluster  []string
	cores    []*demoParty
	smes     [][3]*demoParty
	lenders  []*demoParty
	offerIDs []string   // in demoOffers' order
	rcvs     []*demoRcv // tier 1 of chain 0, 1, then fragments in order
	proofs   int
}

func runDemo(ctx context.Context, cfg demoConfig, out io.Writer) error {
	d := &demo{cfg: cfg, out: out, run: demoRunID()}
	base, token, rpc, stop, err := demoTarget(ctx, cfg, out)
	if err != nil {
		return err
	}
	defer stop()
	d.rpc = rpc
	d.h = &demoHTTP{base: base, out: out, verbose: cfg.Verbose, run: d.run, client: &http.Client{Timeout: demoCallTimeout}}
	d.admin = &demoParty{Name: "operator", Role: "operator", Token: token}
	for _, step := range []func(context.Context) error{
		d.showLedger, d.onboard, d.invoices, d.transfers, d.offers, d.listings, d.fund, d.checkProofs, d.settle, d.report,
	} {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}

// say prints the story; under --verbose set off by a blank line from the HTTP
// exchanges it follows.
func (d *demo) say(format string, args ...any) {
	if d.h != nil && d.h.echoed {
		fmt.Fprintln(d.out)
		d.h.echoed = false
	}
	fmt.Fprintf(d.out, format+"\n", args...)
}

func (d *demo) showLedger(ctx context.Context) error {
	var l struct {
		ChainID  uint64 `json:"chain_id"`
		Registry string `json:"registry_address"`
		Head     uint64 `json:"head_block"`
	}
	if err := d.h.do(ctx, demoCall{method: "GET", path: "/v1/ledger", as: d.admin}, &l); err != nil {
		return err
	}
	d.say("ledger: chain %d, registry %s, head block %d", l.ChainID, l.Registry, l.Head)
	if d.rpc == "" {
		d.say("        (no --chain-rpc: proofs are checked with the Merkle path only, not on chain)")
	}
	return nil
}

func (d *demo) onboard(ctx context.Context) error {
	d.say("\n[1] the operator certifies clusters and onboards participants")
	for _, c := range demoClusters {
		var v struct{ ID string }
		body := map[string]any{"name": c.name, "county_code": c.county, "level": c.level, "industry": c.industry,
			"valid_until": demoDay(365 * demoClusterYears)}
		if err := d.h.do(ctx, demoCall{method: "POST", path: "/v1/clusters", as: d.admin, body: body, want: 201}, &v); err != nil {
			return err
		}
		d.cluster = append(d.cluster, v.ID)
		d.say("    cluster %s  %s (%s, county %s)", v.ID, c.name, c.level, c.county)
	}
	for _, ch := range demoChains {
		core, err := d.participant(ctx, map[string]any{"name": ch.core, "role": "core", "rating": ch.rating}, ch.coreDivision)
		if err != nil {
			return err
		}
		d.cores = append(d.cores, core)
		d.say("    core   %s  %s, rating %s", core.ID, core.Name, ch.rating)
		var tiers [3]*demoParty
		for i, s := range ch.smes {
			body := map[string]any{"name": s.name, "role": "sme", "certification": s.cert}
			if s.cluster >= 0 {
				body["cluster_id"] = d.cluster[s.cluster]
			}
			if s.cert != "none" {
				body["certification_valid_until"] = demoDay(365 * demoCertYears)
			}
			if tiers[i], err = d.participant(ctx, body, s.division); err != nil {
				return err
			}
			d.say("    sme    %s  %s (tier %d, %s)", tiers[i].ID, s.name, i+1, s.cert)
		}
		d.smes = append(d.smes, tiers)
	}
	for _, name := range demoLenders {
		l, err := d.participant(ctx, map[string]any{"name": name, "role": "lender"}, "330200")
		if err != nil {
			return err
		}
		d.lenders = append(d.lenders, l)
		d.say("    lender %s  %s", l.ID, name)
	}
	return nil
}

// participant onboards one; SMEs and cores get a fresh key, as a wallet would make.
func (d *demo) participant(ctx context.Context, body map[string]any, division string) (*demoParty, error) {
	d.n++
	code, err := uscc.Make('9', '1', division, fmt.Sprintf("MA%s%03d", d.run, d.n))
	if err != nil {
		return nil, err
	}
	body["uscc"] = code
	p := &demoParty{Name: body["name"].(string), Role: body["role"].(string), USCC: code}
	if p.Role != "lender" {
		if p.Key, err = crypto.GenerateKey(); err != nil {
			return nil, err
		}
		p.Address = crypto.PubkeyToAddress(p.Key.PublicKey)
		body["address"] = p.Address.Hex()
	}
	var v struct{ ID, Token string }
	if err := d.h.do(ctx, demoCall{method: "POST", path: "/v1/participants", as: d.admin, body: body, want: 201}, &v); err != nil {
		return nil, err
	}
	if v.ID != "" && v.Token == "" {
		// A retry of a create whose first answer was lost: the token is shown only
		// once (token_shown: false), so the operator issues the participant another.
		var tok struct{ Token string }
		if err := d.h.do(ctx, demoCall{method: "POST", path: "/v1/participants/" + v.ID + "/tokens", as: d.admin, body: map[string]any{}, want: 201}, &tok); err != nil {
			return nil, err
		}
		v.Token = tok.Token
	}
	if v.ID == "" || v.Token == "" {
		return nil, fmt.Errorf("POST /v1/participants: no id or token for %s", p.Name)
	}
	p.ID, p.Token = v.ID, v.Token
	return p, nil
}

func (d *demo) invoices(ctx context.Context) error {
	d.say("\n[2] tier-1 suppliers upload invoices; the cores confirm them with an EIP-712 signature")
	for i, ch := range demoChains {
		sme, core := d.smes[i][0], d.cores[i]
		d.n++
		body := map[string]any{"debtor_id": core.ID, "invoice_number": fmt.Sprintf("INV-%s-%04d", d.run, d.n),
			"amount": ch.amountFen, "currency": "CNY", "issue_date": demoDay(0), "due_date": demoDay(ch.dueDays)}
		r := &demoRcv{holder: sme, core: core}
		if err := d.h.do(ctx, demoCall{method: "POST", path: "/v1/receivables", as: sme, body: body, want: 201}, r); err != nil {
			return err
		}
		typed, err := d.h.raw(ctx, demoCall{method: "GET", path: "/v1/receivables/" + r.ID + "/typed-data", as: core})
		if err != nil {
			return err
		}
		if err := d.signAndPost(ctx, core, typed, "/v1/receivables/"+r.ID+"/confirm", map[string]any{}, 200); err != nil {
			return err
		}
		r.signedAt = time.Now()
		d.rcvs = append(d.rcvs, r)
		d.say("    %s  %s → %s  ¥%s due %s: confirmed", r.ID, sme.Name, core.Name, yuan(ch.amountFen), r.DueDate)
	}
	return d.waitFinanceable(ctx, d.rcvs)
}

// signAndPost signs typed data with p's key, as eth_signTypedData_v4 would, and POSTs
// body with the signature to path.
func (d *demo) signAndPost(ctx context.Context, p *demoParty, typed []byte, path string, body map[string]any, want int, out ...any) error {
	sig, addr, err := signTypedData(p.Key, typed)
	if err != nil {
		return err
	}
	if addr != p.Address {
		return fmt.Errorf("signed with %s, want %s's address %s", addr.Hex(), p.Name, p.Address.Hex())
	}
	body["signature"] = sig
	var v any
	if len(out) > 0 {
		v = out[0]
	}
	return d.h.do(ctx, demoCall{method: "POST", path: path, as: p, body: body, want: want}, v)
}

// waitFinanceable polls each receivable until the anchorer has registered and
// anchored it (financeable), for at most --wait.
func (d *demo) waitFinanceable(ctx context.Context, rs []*demoRcv) error {
	for _, r := range rs {
		if err := d.waitFor(ctx, r.holder, "/v1/receivables/"+r.ID, r, func() (bool, error) {
			if r.Status == "rejected_duplicate" {
				return false, fmt.Errorf("receivable %s: rejected_duplicate (its invoice is on the registry under another ref)", r.ID)
			}
			return r.Status == "financeable", nil
		}); err != nil {
			return err
		}
		var block uint64
		for _, a := range r.Anchors {
			block = max(block, a.Block)
		}
		d.say("    %s  financeable after %s: anchored in block %d; score %d, band %s", r.ID, time.Since(r.signedAt).Round(time.Millisecond), block, r.Score, r.ScoreBand)
	}
	return nil
}

// waitFor GETs path into v until done says so or --wait passes. Under --verbose the
// first poll is printed, then how many followed.
func (d *demo) waitFor(ctx context.Context, p *demoParty, path string, v any, done func() (bool, error), accept ...int) error {
	deadline := time.Now().Add(d.cfg.Wait)
	sleep := demoPollMin
	for polls := 1; ; polls++ {
		status, err := d.h.doStatus(ctx, demoCall{method: "GET", path: path, as: p, quiet: polls > 1, want: 200, also: accept}, v)
		if err != nil {
			return err
		}
		ok := false
		if status == http.StatusOK {
			if ok, err = done(); err != nil {
				return err
			}
		}
		if ok {
			if polls > 1 && d.cfg.Verbose {
				fmt.Fprintf(d.out, "  … %d more polls of GET %s; the last answered:\n", polls-1, path)
				d.h.echoLast()
			}
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("GET %s: not done after %s (%d polls); is the anchorer running?", path, d.cfg.Wait, polls)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(sleep):
		}
		sleep = min(2*sleep, demoPollMax)
	}
}

func (d *demo) transfers(ctx context.Context) error {
	d.say("\n[3] holders pass parts up the chain: each transfer is signed by its holder (EIP-712 Transfer)")
	for hop := 1; hop <= 2; hop++ {
		var children []*demoRcv
		for i, ch := range demoChains {
			parent := d.rcvs[len(d.rcvs)-len(demoChains)+i]
			amount := ch.toTier2Fen
			if hop == 2 {
				amount = ch.toTier3Fen
			}
			child, err := d.transfer(ctx, parent, d.smes[i][hop], amount)
			if err != nil {
				return err
			}
			children = append(children, child)
		}
		if err := d.waitFinanceable(ctx, children); err != nil {
			return err
		}
		d.rcvs = append(d.rcvs, children...)
	}
	return nil
}

func (d *demo) transfer(ctx context.Context, parent *demoRcv, to *demoParty, amountFen int64) (*demoRcv, error) {
	var salt common.Hash
	if _, err := rand.Read(salt[:]); err != nil {
		return nil, err
	}
	q := url.Values{"to_id": {to.ID}, "amount": {strconv.FormatInt(amountFen, 10)}, "salt": {salt.Hex()}}
	typed, err := d.h.raw(ctx, demoCall{method: "GET", path: "/v1/receivables/" + parent.ID + "/transfers/typed-data?" + q.Encode(), as: parent.holder})
	if err != nil {
		return nil, err
	}
	child := &demoRcv{holder: to, core: parent.core}
	body := map[string]any{"to_id": to.ID, "amount": amountFen, "salt": salt.Hex()}
	if err := d.signAndPost(ctx, parent.holder, typed, "/v1/receivables/"+parent.ID+"/transfers", body, 201, child); err != nil {
		return nil, err
	}
	child.signedAt = time.Now()
	d.say("    %s → %s  ¥%s of %s to %s (tier %d)", parent.ID, child.ID, yuan(amountFen), parent.holder.Name, to.Name, child.Tier)
	return child, nil
}

func (d *demo) offers(ctx context.Context) error {
	d.say("\n[4] banks post credit lines on the cores, priced by score band")
	for _, o := range demoOffers {
		body := map[string]any{"core_id": d.cores[o.chain].ID, "line_amount": o.lineFen, "max_tenor_days": demoTenorMaxDays,
			"rates_bps": map[string]int64{"A": o.a, "B": o.b, "C": o.c}}
		filter := "anyone"
		if o.ownCluster {
			c := demoChains[o.chain].smes[0].cluster
			body["cluster_ids"] = []string{d.cluster[c]}
			filter = "members of " + demoClusters[c].name
		}
		if o.minCert != "" {
			body["min_certification"] = o.minCert
			filter = "certified " + o.minCert + " or better"
		}
		var v struct{ ID string }
		if err := d.h.do(ctx, demoCall{method: "POST", path: "/v1/offers", as: d.lenders[o.lender], body: body, want: 201}, &v); err != nil {
			return err
		}
		d.offerIDs = append(d.offerIDs, v.ID)
		d.say("    %s  %s on %s: line ¥%s, A %d / B %d / C %d bps, for %s", v.ID, d.lenders[o.lender].Name,
			d.cores[o.chain].Name, yuan(o.lineFen), o.a, o.b, o.c, filter)
	}
	return nil
}

func (d *demo) listings(ctx context.Context) error {
	d.say("\n[5] every holder lists what it holds; the matcher takes the cheapest eligible quotes")
	for _, r := range d.rcvs {
		var cur demoRcv
		if err := d.h.do(ctx, demoCall{method: "GET", path: "/v1/receivables/" + r.ID, as: r.holder}, &cur); err != nil {
			return err
		}
		r.heldFen = cur.Remaining
		maxBps := int64(demoListMaxBps)
		if r.Tier == 2 {
			maxBps = demoChains[slices.Index(d.cores, r.core)].tier2MaxBps
		}
		var v struct {
			Listing struct {
				ID        string `json:"id"`
				Status    string `json:"status"`
				ScoreBand string `json:"score_band"`
				Amount    int64  `json:"amount"`
			} `json:"listing"`
			Matches []*demoMatch `json:"matches"`
		}
		body := map[string]int64{"max_rate_bps": maxBps}
		minFill := ""
		if spec := demoChains[slices.Index(d.cores, r.core)]; r.Tier == 1 && spec.tier1MinFillFen > 0 {
			body["min_fill_fen"] = spec.tier1MinFillFen
			minFill = fmt.Sprintf(", fills of at least ¥%s", yuan(spec.tier1MinFillFen))
		}
		if err := d.h.do(ctx, demoCall{method: "POST", path: "/v1/receivables/" + r.ID + "/listings", as: r.holder,
			body: body, want: 201}, &v); err != nil {
			return err
		}
		r.listing, r.listedFen, r.matches = v.Listing.ID, v.Listing.Amount, v.Matches
		if len(v.Matches) == 0 {
			d.say("    %s  tier %d ¥%s at most %d bps%s: %s (nobody quotes band %s that low)", r.ID, r.Tier, yuan(v.Listing.Amount), maxBps, minFill, v.Listing.Status, cur.ScoreBand)
			continue
		}
		d.say("    %s  tier %d ¥%s at most %d bps%s:", r.ID, r.Tier, yuan(v.Listing.Amount), maxBps, minFill)
		for _, mt := range v.Matches {
			d.say("      matched %s: ¥%s from %s at %d bps for %d days, advance ¥%s",
				mt.ID, yuan(mt.Amount), d.lenderByID(mt.LenderID).Name, mt.RateBps, mt.Days, yuan(mt.Advance))
		}
		if len(v.Matches) > 1 {
			d.say("      filled by %d lenders", len(v.Matches))
		}
	}
	return d.showBooks(ctx)
}

// showBooks prints each core's anonymised book as a lender sees it.
func (d *demo) showBooks(ctx context.Context) error {
	for _, core := range d.cores {
		var b struct {
			Listings []struct {
				Band      string
				Amount    int64
				Tier      int
				TenorDays int `json:"tenor_days"`
			}
			Quotes []struct {
				Band        string
				BestRateBps int64 `json:"best_rate_bps"`
			}
		}
		if err := d.h.do(ctx, demoCall{method: "GET", path: "/v1/books/" + core.ID, as: d.lenders[0]}, &b); err != nil {
			return err
		}
		var quotes []string
		for _, q := range b.Quotes {
			if q.BestRateBps > 0 {
				quotes = append(quotes, fmt.Sprintf("%s %d", q.Band, q.BestRateBps))
			}
		}
		d.say("    book of %s: %d resting listing(s); best quotes %s bps", core.Name, len(b.Listings), strings.Join(quotes, " / "))
		for _, l := range b.Listings {
			d.say("      resting: tier %d, band %s, ¥%s, %d days", l.Tier, l.Band, yuan(l.Amount), l.TenorDays)
		}
	}
	return nil
}

func (d *demo) fund(ctx context.Context) error {
	d.say("\n[6] lenders pay out their matches; each claim is assigned to its lender on the ledger")
	for _, r := range d.rcvs {
		for _, mt := range r.matches {
			lender := d.lenderByID(mt.LenderID)
			body := map[string]string{"reference": fmt.Sprintf("PAYOUT-%s-%s", d.run, mt.ID)}
			if err := d.h.do(ctx, demoCall{method: "POST", path: "/v1/matches/" + mt.ID + "/fund", as: lender, body: body}, mt); err != nil {
				return err
			}
			d.say("    %s  %s paid ¥%s to %s", mt.ID, lender.Name, yuan(mt.Advance), r.holder.Name)
		}
	}
	return nil
}

func (d *demo) lenderByID(id string) *demoParty {
	for _, l := range d.lenders {
		if l.ID == id {
			return l
		}
	}
	return d.admin // the operator sees every match
}

func (d *demo) checkProofs(ctx context.Context) error {
	d.say("\n[7] anyone party to a receivable checks its proofs: confirmation, transfers, assignments")
	for _, r := range d.rcvs {
		kind := "confirmation"
		if r.Tier > 1 {
			kind = "transfer"
		}
		if err := d.checkProof(ctx, r, r.holder, kind); err != nil {
			return err
		}
		// The proof is of the latest assignment, the last fill's.
		if n := len(r.matches); n > 0 {
			if err := d.checkProof(ctx, r, d.lenderByID(r.matches[n-1].LenderID), "assignment"); err != nil {
				return err
			}
		}
	}
	where := "with the Merkle path (no chain RPC to ask)"
	if d.rpc != "" {
		where = "against the registry on chain at " + d.rpc
	}
	d.say("    %d proofs hold, checked %s", d.proofs, where)
	return nil
}

// checkProof waits until the leaf is anchored (409 before), then checks the path and,
// with a chain RPC, the registry's anchoredAt and verify and the anchoring transaction.
func (d *demo) checkProof(ctx context.Context, r *demoRcv, p *demoParty, kind string) error {
	path := "/v1/receivables/" + r.ID + "/proof?kind=" + kind
	var proof ledger.ProofJSON
	if err := d.waitFor(ctx, p, path, &proof, func() (bool, error) { return true, nil }, http.StatusConflict); err != nil {
		return err
	}
	if !merkle.Verify(proof.Root, proof.Leaf, proof.Proof) {
		return fmt.Errorf("%s: the path does not lead from leaf %s to root %s", path, proof.Leaf.Hex(), proof.Root.Hex())
	}
	if kind == "confirmation" {
		if err := d.recomputeConfirmationLeaf(ctx, r, proof.Leaf); err != nil {
			return err
		}
	}
	if d.rpc != "" {
		if err := ledger.VerifyProof(ctx, d.rpc, proof); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	d.proofs++
	d.say("    %s %-12s leaf %s… in root %s…, block %d", r.ID, kind, proof.Leaf.Hex()[:12], proof.Root.Hex()[:12], proof.BlockNumber)
	return nil
}

// recomputeConfirmationLeaf checks the leaf is the one the receivable's signed
// confirmation makes, as an auditor holding the data would.
func (d *demo) recomputeConfirmationLeaf(ctx context.Context, r *demoRcv, leaf common.Hash) error {
	var cur demoRcv
	if err := d.h.do(ctx, demoCall{method: "GET", path: "/v1/receivables/" + r.ID, as: r.holder, quiet: true}, &cur); err != nil {
		return err
	}
	if cur.Confirmation == nil {
		return fmt.Errorf("receivable %s has a confirmation proof but no confirmation", r.ID)
	}
	sig, err := hexutil.Decode(cur.Confirmation.Signature)
	if err != nil {
		return fmt.Errorf("receivable %s: signature: %w", r.ID, err)
	}
	if want := merkle.ConfirmationLeaf(r.ID, common.HexToHash(cur.Confirmation.Digest), sig); want != leaf {
		return fmt.Errorf("receivable %s: proof leaf %s, the confirmation makes %s", r.ID, leaf.Hex(), want.Hex())
	}
	return nil
}

func (d *demo) settle(ctx context.Context) error {
	d.say("\n[8] the resting listing is withdrawn; the cores pay (early: settlement is allowed any time) and everything settles")
	for _, r := range d.rcvs {
		if r.listing != "" && len(r.matches) == 0 {
			if err := d.h.do(ctx, demoCall{method: "DELETE", path: "/v1/listings/" + r.listing, as: r.holder}, nil); err != nil {
				return err
			}
			d.say("    %s  listing %s cancelled by %s", r.ID, r.listing, r.holder.Name)
		}
	}
	for i, core := range d.cores {
		r := d.rcvs[i]
		body := map[string]string{"reference": fmt.Sprintf("PAY-%s-%d", d.run, i+1)}
		var v demoRcv
		if err := d.h.do(ctx, demoCall{method: "POST", path: "/v1/receivables/" + r.ID + "/settle", as: core, body: body}, &v); err != nil {
			return err
		}
		d.say("    %s  %s paid ¥%s: %s", r.ID, core.Name, yuan(r.Amount), v.Status)
	}
	return d.checkSettled(ctx)
}

// checkSettled: every part of both invoices is settled and every line released
// (docs/api.md: settlement settles fragments and funded matches and gives the line back).
func (d *demo) checkSettled(ctx context.Context) error {
	for _, r := range d.rcvs {
		var v demoRcv
		if err := d.h.do(ctx, demoCall{method: "GET", path: "/v1/receivables/" + r.ID, as: r.holder, quiet: true}, &v); err != nil {
			return err
		}
		if v.Status != "settled" {
			return fmt.Errorf("receivable %s is %s after its invoice was paid, want settled", r.ID, v.Status)
		}
	}
	for i, id := range d.offerIDs {
		var o struct {
			Line      int64 `json:"line_amount"`
			Available int64 `json:"available"`
		}
		if err := d.h.do(ctx, demoCall{method: "GET", path: "/v1/offers/" + id, as: d.lenders[demoOffers[i].lender], quiet: true}, &o); err != nil {
			return err
		}
		if o.Available != o.Line {
			return fmt.Errorf("offer %s: available ¥%s of a ¥%s line after settlement, want all of it", id, yuan(o.Available), yuan(o.Line))
		}
	}
	d.say("    all %d receivables settled; all %d credit lines available again", len(d.rcvs), len(d.offerIDs))
	return nil
}

// ---- the report ----

type demoTier struct {
	receivables, listings, matched, funded int
	heldFen, listedFen, financedFen        int64
	rateWeighted                           big.Int // Σ amount × rate_bps of funded matches
}

func (d *demo) report(ctx context.Context) error {
	var tiers [3]demoTier
	for _, r := range d.rcvs {
		if r.Tier < 1 || r.Tier > len(tiers) {
			return fmt.Errorf("receivable %s is at tier %d; the demo builds tiers 1 to 3", r.ID, r.Tier)
		}
		t := &tiers[r.Tier-1]
		t.receivables++
		t.heldFen += r.heldFen
		if r.listing != "" {
			t.listings++
			t.listedFen += r.listedFen
		}
		t.matched += len(r.matches)
		for _, mt := range r.matches {
			var m demoMatch // as it ended: settled once funded
			if err := d.h.do(ctx, demoCall{method: "GET", path: "/v1/matches/" + mt.ID, as: d.admin, quiet: true}, &m); err != nil {
				return err
			}
			if m.Status == "funded" || m.Status == "settled" {
				t.funded++
				t.financedFen += m.Amount
				t.rateWeighted.Add(&t.rateWeighted, new(big.Int).Mul(big.NewInt(m.Amount), big.NewInt(m.RateBps)))
			}
		}
	}
	d.say("\nPer tier: what the suppliers held, listed and got financed (yuan; rates amount-weighted, bps a year)")
	d.say("%-5s %11s %16s %16s %16s %7s %8s %8s %7s %6s", "tier", "receivables", "held", "listed", "financed", "share", "avg_bps", "listings", "matched", "funded")
	var all demoTier
	for i, t := range tiers {
		d.say("%-5d %s", i+1, t.row())
		all.receivables, all.listings, all.matched, all.funded = all.receivables+t.receivables, all.listings+t.listings, all.matched+t.matched, all.funded+t.funded
		all.heldFen, all.listedFen, all.financedFen = all.heldFen+t.heldFen, all.listedFen+t.listedFen, all.financedFen+t.financedFen
		all.rateWeighted.Add(&all.rateWeighted, &t.rateWeighted)
	}
	d.say("%-5s %s", "all", all.row())
	d.say("share = financed / held at that tier; matched and funded count fills. Proofs checked: %d.", d.proofs)
	return nil
}

func (t *demoTier) row() string {
	return fmt.Sprintf("%11d %16s %16s %16s %7s %8s %8d %7d %6d", t.receivables, yuan(t.heldFen), yuan(t.listedFen),
		yuan(t.financedFen), permille(t.financedFen, t.heldFen), t.avgBps(), t.listings, t.matched, t.funded)
}

// avgBps is Σ amount × rate / Σ amount to one decimal, "-" with nothing financed.
func (t *demoTier) avgBps() string {
	if t.financedFen == 0 {
		return "-"
	}
	tenths := new(big.Int).Mul(&t.rateWeighted, big.NewInt(10))
	tenths.Add(tenths, big.NewInt(t.financedFen/2)) // to the nearest tenth
	tenths.Quo(tenths, big.NewInt(t.financedFen))
	return fmt.Sprintf("%d.%d", tenths.Int64()/10, tenths.Int64()%10)
}

// permille is part/whole as a percentage to the nearest tenth; never 0.0% for a
// nonzero part, never 100.0% for less than the whole.
func permille(part, whole int64) string {
	if whole == 0 {
		return "-"
	}
	p := new(big.Int).Mul(big.NewInt(part), big.NewInt(1000))
	p.Add(p, big.NewInt(whole/2)).Quo(p, big.NewInt(whole))
	switch {
	case p.Sign() == 0 && part > 0:
		p.SetInt64(1)
	case p.Int64() == 1000 && part < whole:
		p.SetInt64(999)
	}
	return fmt.Sprintf("%d.%d%%", p.Int64()/10, p.Int64()%10)
}

// yuan prints fen as yuan with two decimals and thousands separators: 860000000 → 8,600,000.00.
func yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	s := strconv.FormatInt(fen/100, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return fmt.Sprintf("%s%s.%02d", sign, s, fen%100)
}

// demoDay is today (UTC, the journal's clock) plus offset days, "YYYY-MM-DD".
func demoDay(offset int) string { return time.Now().UTC().AddDate(0, 0, offset).Format("2006-01-02") }

// demoRunID is 4 characters of the USCC alphabet: USCCs and invoice numbers of one
// run never collide with another's on the same server.
func demoRunID() string {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// ---- the server ----

// demoTarget is the server to run against: --url, or one started here. stop ends
// what was started (nothing for --url).
func demoTarget(ctx context.Context, cfg demoConfig, out io.Writer) (base, token, rpc string, stop func(), err error) {
	if cfg.URL == "" {
		if cfg.Token != "" || cfg.DataDir != "" || cfg.ChainRPC != "" {
			return "", "", "", nil, errors.New("--token, --data-dir and --chain-rpc are for a server given with --url")
		}
		return startDemoServer(ctx, out)
	}
	token = cfg.Token
	if token == "" {
		token = os.Getenv("SCFX_ADMIN_TOKEN")
	}
	if token == "" {
		dir := cfg.DataDir
		if dir == "" {
			dir = "./data"
		}
		b, err := os.ReadFile(filepath.Join(dir, "admin.token"))
		if err != nil {
			return "", "", "", nil, fmt.Errorf("no --token: %w", err)
		}
		token = strings.TrimSpace(string(b))
	}
	base = strings.TrimRight(cfg.URL, "/")
	fmt.Fprintf(out, "server: %s\n", base)
	return base, token, cfg.ChainRPC, func() {}, waitReady(ctx, base, nil)
}

// errServeExited: the child stopped before it was ready, most likely because another
// process took one of its ports between freeLoopback and its listen.
var errServeExited = errors.New("scfx serve exited before it was ready")

// demoStartAttempts bounds the retries of that race.
const demoStartAttempts = 3

// startDemoServer runs this binary's serve on free loopback ports with a temporary
// data directory, its chain's JSON-RPC served for proof checks, and a short anchor
// delay so that nobody waits a second for financeable.
func startDemoServer(ctx context.Context, out io.Writer) (base, token, rpc string, stop func(), err error) {
	for attempt := 1; ; attempt++ {
		base, token, rpc, stop, err = startDemoServerOnce(ctx, out)
		if !errors.Is(err, errServeExited) || attempt == demoStartAttempts {
			return base, token, rpc, stop, err
		}
	}
}

func startDemoServerOnce(ctx context.Context, out io.Writer) (base, token, rpc string, stop func(), err error) {
	self, err := os.Executable()
	if err != nil {
		return "", "", "", nil, err
	}
	dir, err := os.MkdirTemp("", "scfx-demo-")
	if err != nil {
		return "", "", "", nil, err
	}
	addr, chainAddr := freeLoopback(), freeLoopback()
	logPath := filepath.Join(dir, "serve.log")
	logFile, err := os.Create(logPath)
	if err != nil || addr == "" || chainAddr == "" {
		os.RemoveAll(dir)
		return "", "", "", nil, fmt.Errorf("prepare scfx serve (log %v, ports %q %q)", err, addr, chainAddr)
	}
	cmd := exec.Command(self, "serve", "--addr", addr, "--data-dir", filepath.Join(dir, "data"),
		"--chain-http", chainAddr, "--anchor-max-delay", "50ms")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	for _, kv := range os.Environ() { // the child runs on these flags, not on the caller's SCFX_*
		if !strings.HasPrefix(kv, "SCFX_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		os.RemoveAll(dir)
		return "", "", "", nil, fmt.Errorf("start scfx serve: %w", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); logFile.Close(); close(exited) }()
	stop = func() {
		stopProcess(cmd.Process, exited)
		os.RemoveAll(dir)
	}
	base = "http://" + addr
	if err := waitReady(ctx, base, exited); err != nil {
		log := tail(logPath, 20)
		stop()
		return "", "", "", nil, fmt.Errorf("%w\nscfx serve's log:\n%s", err, log)
	}
	b, err := os.ReadFile(filepath.Join(dir, "data", "admin.token"))
	if err != nil {
		stop()
		return "", "", "", nil, err
	}
	fmt.Fprintf(out, "server: %s (scfx serve, pid %d, started for this demo; chain JSON-RPC http://%s)\n", base, cmd.Process.Pid, chainAddr)
	return base, strings.TrimSpace(string(b)), "http://" + chainAddr, stop, nil
}

// stopProcess sends SIGTERM to the child (by its PID) and SIGKILL if it has not
// exited in time.
func stopProcess(p *os.Process, exited <-chan struct{}) {
	_ = p.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(demoServerStopMax):
		_ = p.Kill()
		<-exited
	}
}

func freeLoopback() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return ""
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitReady polls /readyz (journal and ledger reachable) until it answers 200.
func waitReady(ctx context.Context, base string, exited <-chan struct{}) error {
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(time.Minute)
	for {
		req, err := http.NewRequestWithContext(ctx, "GET", base+"/readyz", nil)
		if err != nil {
			return err
		}
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-exited:
			return errServeExited
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s/readyz did not answer 200 within a minute", base)
		}
	}
}

func tail(path string, lines int) string {
	b, _ := os.ReadFile(path)
	ls := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(ls[max(0, len(ls)-lines):], "\n")
}

// ---- the HTTP client ----

type demoHTTP struct {
	base    string
	client  *http.Client
	out     io.Writer
	verbose bool
	run     string
	keys    int  // Idempotency-Keys handed out
	echoed  bool // printed an exchange since the story's last line
	last    struct {
		status int
		body   []byte
	}
}

// echoLast prints the answer of the last call (a poll that was not printed).
func (h *demoHTTP) echoLast() {
	fmt.Fprintf(h.out, "← %d %s\n", h.last.status, http.StatusText(h.last.status))
	h.echoBody(h.last.body)
}

// demoCall is one request: as whom, with what body, and the statuses it may answer
// (want, 200 when zero, and also).
type demoCall struct {
	method, path string
	as           *demoParty
	body         any
	want         int
	also         []int
	quiet        bool // not printed under --verbose (polls after the first)
}

// do makes the call, fails unless it answered want, and decodes the body into out.
func (h *demoHTTP) do(ctx context.Context, c demoCall, out any) error {
	_, err := h.doStatus(ctx, c, out)
	return err
}

// raw makes a call that must answer 200 and returns the body as it came.
func (h *demoHTTP) raw(ctx context.Context, c demoCall) ([]byte, error) {
	var b json.RawMessage
	err := h.do(ctx, c, &b)
	return b, err
}

// doStatus is do that also accepts the statuses in c.also (decoding only want's body).
func (h *demoHTTP) doStatus(ctx context.Context, c demoCall, out any) (int, error) {
	if c.want == 0 {
		c.want = http.StatusOK
	}
	var body []byte
	if c.body != nil {
		var err error
		if body, err = json.Marshal(c.body); err != nil {
			return 0, err
		}
	}
	key := ""
	if c.method != "GET" {
		h.keys++
		key = fmt.Sprintf("demo-%s-%04d", h.run, h.keys) // one key for all attempts: a retry is never applied twice
	}
	status, resp, err := h.attempts(ctx, c, body, key)
	if err != nil {
		return 0, err
	}
	if status != c.want && !slices.Contains(c.also, status) {
		return status, fmt.Errorf("%s %s as %s = %d, want %d: %s", c.method, c.path, c.as.Name, status, c.want, bytes.TrimSpace(resp))
	}
	if status == c.want && out != nil {
		if err := json.Unmarshal(resp, out); err != nil {
			return status, fmt.Errorf("%s %s: decode: %w", c.method, c.path, err)
		}
	}
	return status, nil
}

// attempts sends the request up to demoAttemptsMax times while it fails in a way a
// retry can cure: a broken connection, 429 (after Retry-After) or 503 (nothing changed).
func (h *demoHTTP) attempts(ctx context.Context, c demoCall, body []byte, key string) (int, []byte, error) {
	for attempt := 1; ; attempt++ {
		status, resp, wait, err := h.send(ctx, c, body, key)
		retry := err != nil || status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable
		if !retry || attempt == demoAttemptsMax || ctx.Err() != nil {
			return status, resp, err
		}
		select {
		case <-ctx.Done():
			return 0, nil, ctx.Err()
		case <-time.After(wait):
		}
	}
}

func (h *demoHTTP) send(ctx context.Context, c demoCall, body []byte, key string) (status int, resp []byte, retryAfter time.Duration, err error) {
	req, err := http.NewRequestWithContext(ctx, c.method, h.base+c.path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, 0, err
	}
	req.Header.Set("Authorization", "Bearer "+c.as.Token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	echo := h.verbose && !c.quiet
	if echo {
		fmt.Fprintf(h.out, "\n→ %s %s  (as %s", c.method, c.path, c.as.Name)
		if key != "" {
			fmt.Fprintf(h.out, "; Idempotency-Key: %s", key)
		}
		fmt.Fprintln(h.out, ")")
		h.echoBody(body)
	}
	start := time.Now()
	r, err := h.client.Do(req)
	if err != nil {
		return 0, nil, 200 * time.Millisecond, fmt.Errorf("%s %s: %w", c.method, c.path, err)
	}
	defer r.Body.Close()
	resp, err = io.ReadAll(io.LimitReader(r.Body, demoBodyMax))
	if err != nil {
		return 0, nil, 200 * time.Millisecond, fmt.Errorf("%s %s: read: %w", c.method, c.path, err)
	}
	h.last.status, h.last.body = r.StatusCode, resp
	if echo {
		fmt.Fprintf(h.out, "← %d %s  (%s)\n", r.StatusCode, http.StatusText(r.StatusCode), time.Since(start).Round(10*time.Microsecond))
		h.echoBody(resp)
	}
	retryAfter = time.Second
	if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err == nil && s >= 0 && s <= 60 {
		retryAfter = time.Duration(s) * time.Second
	}
	return r.StatusCode, resp, retryAfter, nil
}

// echoBody prints a body for a reader: JSON members in the server's order, each
// object or array on one line when it fits in demoEchoWidth columns, tokens cut
// short, at most demoEchoLinesMax lines.
func (h *demoHTTP) echoBody(b []byte) {
	h.echoed = true
	if len(bytes.TrimSpace(b)) == 0 {
		return
	}
	s := string(b)
	if n, err := parseJSONNode(json.NewDecoder(bytes.NewReader(b))); err == nil {
		s = n.pretty("    ", "token")
	}
	cut := ""
	if len(s) > demoEchoBytesMax {
		s, cut = s[:demoEchoBytesMax], " (cut)"
	}
	lines := strings.Split(s, "\n")
	if len(lines) > demoEchoLinesMax {
		cut = fmt.Sprintf(" (%d more lines)", len(lines)-demoEchoLinesMax)
		lines = lines[:demoEchoLinesMax]
	}
	fmt.Fprintf(h.out, "    %s\n", strings.Join(lines, "\n"))
	if cut != "" {
		fmt.Fprintf(h.out, "    …%s\n", cut)
	}
}

// jsonNode is a JSON value that keeps its members in the order they came (a map
// would sort them, and the API's order — id first — is the readable one).
type jsonNode struct {
	scalar string // encoded; "" for objects and arrays
	open   byte   // '{' or '['
	keys   []string
	vals   []*jsonNode
}

// parseJSONNode reads one value; depth is bounded by encoding/json's own limit.
func parseJSONNode(dec *json.Decoder) (*jsonNode, error) {
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(tok); err != nil {
			return nil, err
		}
		return &jsonNode{scalar: strings.TrimSpace(buf.String())}, nil
	}
	n := &jsonNode{open: byte(delim)}
	for dec.More() {
		if n.open == '{' {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			n.keys = append(n.keys, k.(string))
		}
		v, err := parseJSONNode(dec)
		if err != nil {
			return nil, err
		}
		n.vals = append(n.vals, v)
	}
	_, err = dec.Token() // the closing delimiter
	return n, err
}

// demoEchoWidth is the widest line --verbose joins an object or array onto.
const demoEchoWidth = 100

// pretty renders n from column len(indent); a string member named secret shows its first 8 characters.
func (n *jsonNode) pretty(indent, secret string) string {
	if c := n.compact(secret); len(indent)+len(c) <= demoEchoWidth || n.open == 0 {
		return c
	}
	closer := "]"
	if n.open == '{' {
		closer = "}"
	}
	var b strings.Builder
	b.WriteByte(n.open)
	for i, v := range n.vals {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n" + indent + "  ")
		if n.open == '{' {
			b.WriteString(strconv.Quote(n.keys[i]) + ": ")
			if n.keys[i] == secret {
				v = v.redacted()
			}
		}
		b.WriteString(v.pretty(indent+"  ", secret))
	}
	b.WriteString("\n" + indent + closer)
	return b.String()
}

func (n *jsonNode) compact(secret string) string {
	if n.open == 0 {
		return n.scalar
	}
	parts := make([]string, len(n.vals))
	for i, v := range n.vals {
		if n.open == '[' {
			parts[i] = v.compact(secret)
			continue
		}
		if n.keys[i] == secret {
			v = v.redacted()
		}
		parts[i] = strconv.Quote(n.keys[i]) + ": " + v.compact(secret)
	}
	if n.open == '{' {
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// redacted cuts a string to its first 8 characters: the demo's output may be pasted
// anywhere, and a bearer token is a credential.
func (n *jsonNode) redacted() *jsonNode {
	var s string
	if n.open != 0 || json.Unmarshal([]byte(n.scalar), &s) != nil || len(s) <= 8 {
		return n
	}
	return &jsonNode{scalar: strconv.Quote(s[:8] + "…")}
}
