// SPDX-License-Identifier: Apache-2.0

// Package demo runs a small market through its whole life over the HTTP API, as
// its participants' clients would (package client): the operator onboards, SMEs
// upload invoices, cores sign confirmations like a wallet, holders sign transfers
// up the chain, banks post offers, holders list, lenders fund, anyone checks
// proofs, cores pay. It ends with what reached each tier. `scfx demo` runs it.
package demo

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"fmt"
	"io"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/client"
	"github.com/scfx/scfx/uscc"
)

// Limits of the demo's calls and waits.
const (
	callTimeout = 30 * time.Second // one HTTP attempt
	attemptsMax = 3                // per call, on 429, 503 and broken connections
	pollMin     = 20 * time.Millisecond
	pollMax     = 250 * time.Millisecond
)

// Config says which server to run against and how to print.
type Config struct {
	// URL is a running server's base URL; "": start one (Executable's serve).
	URL string
	// Token is the operator's token with URL; "": SCFX_ADMIN_TOKEN, then
	// <DataDir>/admin.token (DataDir "": ./data).
	Token, DataDir string
	// ChainRPC is the chain's JSON-RPC URL with URL, to check proofs on chain; "":
	// proofs are checked by their Merkle path only.
	ChainRPC string
	// Executable is the scfx binary whose serve is started when URL is "".
	Executable string
	// Verbose prints every HTTP exchange: method, path, request body, status, answer.
	Verbose bool
	// Wait bounds each wait for the ledger (financeable, anchored).
	Wait time.Duration
}

// party is a participant as its client holds it.
type party struct {
	Name, Role, ID, USCC string
	Key                  *ecdsa.PrivateKey // SMEs and cores
	Address              common.Address
	c                    *client.Client // acting as this party
}

// rcv is a receivable as last read, with the demo's own notes.
type rcv struct {
	wire.Receivable
	holder, core *party
	signedAt     time.Time // confirmed or transferred: the ledger's wait starts here
	heldFen      int64
	listing      string
	listedFen    int64
	matches      []*wire.Match // the listing's fills, one per line that took part
}

type demo struct {
	cfg      Config
	out      *printer
	api      *client.Client // no token: As gives each party its own
	rpc      string         // chain JSON-RPC for on-chain proof checks; "": local Merkle check only
	run      string         // makes USCCs, invoice numbers and keys unique per run
	n        int
	keys     int
	admin    *party
	cluster  []string
	cores    []*party
	smes     [][3]*party
	lenders  []*party
	offerIDs []string // in offers' order
	rcvs     []*rcv   // tier 1 of chain 0, 1, then fragments in order
	proofs   int
}

// Run runs the demo and prints its story to out. With no cfg.URL it starts its
// own server and stops it before it returns.
func Run(ctx context.Context, cfg Config, out io.Writer) error {
	if cfg.Wait <= 0 {
		cfg.Wait = time.Minute
	}
	d := &demo{cfg: cfg, out: &printer{w: out, verbose: cfg.Verbose}, run: runID()}
	t, err := pickTarget(ctx, cfg, out)
	if err != nil {
		return err
	}
	defer t.stop()
	d.rpc = t.rpc
	d.api = client.New(t.base, "", client.WithAttempts(attemptsMax), client.WithHTTPClient(newHTTPClient()),
		client.WithKeys(func() string { d.keys++; return fmt.Sprintf("demo-%s-%04d", d.run, d.keys) }))
	d.admin = d.party(&party{Name: "operator", Role: "operator"}, t.token)
	for _, step := range []func(context.Context) error{
		d.showLedger, d.onboard, d.invoices, d.transfers, d.postOffers, d.listings, d.fund, d.checkProofs, d.servicing, d.settle, d.report,
	} {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}

// party gives p a client acting as the holder of token, echoed as p under --verbose.
func (d *demo) party(p *party, token string) *party {
	p.c = d.api.As(token).WithHook(func(e client.Exchange) { d.out.exchange(p.Name, e) })
	return p
}

// say prints the story.
func (d *demo) say(format string, args ...any) { d.out.say(format, args...) }

func (d *demo) showLedger(ctx context.Context) error {
	l, err := d.admin.c.Ledger(ctx)
	if err != nil {
		return err
	}
	d.say("ledger: chain %d, registry %s, head block %d", l.ChainID, l.RegistryAddress, l.HeadBlock)
	if d.rpc == "" {
		d.say("        (no --chain-rpc: proofs are checked with the Merkle path only, not on chain)")
	}
	return nil
}

func (d *demo) onboard(ctx context.Context) error {
	d.say("\n[1] the operator certifies clusters and onboards participants")
	for _, c := range clusters {
		v, err := d.admin.c.CreateCluster(ctx, wire.CreateClusterRequest{Name: c.name, CountyCode: c.county, Level: c.level,
			Industry: c.industry, ValidUntil: day(365 * clusterYears)})
		if err != nil {
			return err
		}
		d.cluster = append(d.cluster, v.ID)
		d.say("    cluster %s  %s (%s, county %s)", v.ID, c.name, c.level, c.county)
	}
	for _, ch := range chains {
		core, err := d.participant(ctx, wire.CreateParticipantRequest{Name: ch.core, Role: "core", Rating: ch.rating}, ch.coreDivision)
		if err != nil {
			return err
		}
		d.cores = append(d.cores, core)
		d.say("    core   %s  %s, rating %s", core.ID, core.Name, ch.rating)
		var tiers [3]*party
		for i, s := range ch.smes {
			in := wire.CreateParticipantRequest{Name: s.name, Role: "sme", Certification: s.cert}
			if s.cluster >= 0 {
				in.ClusterID = d.cluster[s.cluster]
			}
			if s.cert != "none" {
				in.CertificationValidUntil = day(365 * certYears)
			}
			if tiers[i], err = d.participant(ctx, in, s.division); err != nil {
				return err
			}
			d.say("    sme    %s  %s (tier %d, %s)", tiers[i].ID, s.name, i+1, s.cert)
		}
		d.smes = append(d.smes, tiers)
	}
	for _, name := range lenders {
		l, err := d.participant(ctx, wire.CreateParticipantRequest{Name: name, Role: "lender"}, lenderDivision)
		if err != nil {
			return err
		}
		d.lenders = append(d.lenders, l)
		d.say("    lender %s  %s", l.ID, name)
	}
	return nil
}

// participant onboards one; SMEs and cores get a fresh key, as a wallet would make.
func (d *demo) participant(ctx context.Context, in wire.CreateParticipantRequest, division string) (*party, error) {
	d.n++
	code, err := uscc.Make('9', '1', division, fmt.Sprintf("MA%s%03d", d.run, d.n))
	if err != nil {
		return nil, err
	}
	in.USCC = code
	p := &party{Name: in.Name, Role: in.Role, USCC: code}
	if p.Role != "lender" {
		if p.Key, err = crypto.GenerateKey(); err != nil {
			return nil, err
		}
		p.Address = crypto.PubkeyToAddress(p.Key.PublicKey)
		in.Address = p.Address.Hex()
	}
	v, err := d.admin.c.CreateParticipant(ctx, in)
	if err != nil {
		return nil, err
	}
	token := v.Token
	if v.ID != "" && token == "" {
		// A retry of a create whose first answer was lost: the token is shown only
		// once (token_shown: false), so the operator issues the participant another.
		tok, err := d.admin.c.IssueToken(ctx, v.ID, wire.IssueTokenRequest{})
		if err != nil {
			return nil, err
		}
		token = tok.Token
	}
	if v.ID == "" || token == "" {
		return nil, fmt.Errorf("POST /v1/participants: no id or token for %s", p.Name)
	}
	p.ID = v.ID
	return d.party(p, token), nil
}

func (d *demo) invoices(ctx context.Context) error {
	d.say("\n[2] tier-1 suppliers upload invoices; the cores confirm them with an EIP-712 signature")
	for i, ch := range chains {
		sme, core := d.smes[i][0], d.cores[i]
		d.n++
		v, err := sme.c.SubmitReceivable(ctx, wire.SubmitReceivableRequest{DebtorID: core.ID,
			InvoiceNumber: fmt.Sprintf("INV-%s-%04d", d.run, d.n), Amount: ch.amountFen, Currency: "CNY",
			IssueDate: day(0), DueDate: day(ch.dueDays)})
		if err != nil {
			return err
		}
		// The client checks the typed data names this receivable and the core's
		// address as debtor before it signs, as a wallet shows what it signs.
		if _, err := core.c.SignConfirmation(ctx, v.ID, core.Key); err != nil {
			return err
		}
		r := &rcv{Receivable: *v, holder: sme, core: core, signedAt: time.Now()}
		d.rcvs = append(d.rcvs, r)
		d.say("    %s  %s → %s  ¥%s due %s: confirmed", r.ID, sme.Name, core.Name, yuan(ch.amountFen), r.DueDate)
	}
	return d.waitFinanceable(ctx, d.rcvs)
}

// waitFinanceable polls each receivable until the anchorer has registered and
// anchored it (financeable), for at most cfg.Wait.
func (d *demo) waitFinanceable(ctx context.Context, rs []*rcv) error {
	for _, r := range rs {
		err := d.poll(ctx, func() (bool, error) {
			v, err := r.holder.c.Receivable(ctx, r.ID)
			if err != nil {
				return false, err
			}
			r.Receivable = *v
			if r.Status == "rejected_duplicate" {
				return false, fmt.Errorf("receivable %s: rejected_duplicate (its invoice is on the registry under another ref)", r.ID)
			}
			return r.Status == "financeable", nil
		})
		if err != nil {
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

// poll calls try until it is done or cfg.Wait passes. Under --verbose the first
// attempt is printed, then how many followed and the last answer.
func (d *demo) poll(ctx context.Context, try func() (bool, error)) error {
	deadline := time.Now().Add(d.cfg.Wait)
	sleep := pollMin
	defer func() { d.out.quiet = false }()
	for polls := 1; ; polls++ {
		d.out.quiet = polls > 1
		done, err := try()
		if err != nil {
			return err
		}
		if done {
			if polls > 1 {
				d.out.lastAfter(polls - 1)
			}
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s %s: not done after %s (%d polls); is the anchorer running?", d.out.last.Method, d.out.last.Path, d.cfg.Wait, polls)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(sleep):
		}
		sleep = min(2*sleep, pollMax)
	}
}

// quietly runs f without echoing its calls: checks whose answers the story
// already told.
func (d *demo) quietly(f func() error) error {
	d.out.quiet = true
	defer func() { d.out.quiet = false }()
	return f()
}

func (d *demo) transfers(ctx context.Context) error {
	d.say("\n[3] holders pass parts up the chain: each transfer is signed by its holder (EIP-712 Transfer)")
	for hop := 1; hop <= 2; hop++ {
		var children []*rcv
		for i, ch := range chains {
			parent := d.rcvs[len(d.rcvs)-len(chains)+i]
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

func (d *demo) transfer(ctx context.Context, parent *rcv, to *party, amountFen int64) (*rcv, error) {
	v, err := parent.holder.c.SignTransfer(ctx, parent.ID, to.ID, amountFen, parent.holder.Key)
	if err != nil {
		return nil, err
	}
	child := &rcv{Receivable: *v, holder: to, core: parent.core, signedAt: time.Now()}
	d.say("    %s → %s  ¥%s of %s to %s (tier %d)", parent.ID, child.ID, yuan(amountFen), parent.holder.Name, to.Name, child.Tier)
	return child, nil
}

func (d *demo) lenderByID(id string) *party {
	for _, l := range d.lenders {
		if l.ID == id {
			return l
		}
	}
	return d.admin // the operator sees every match
}

// day is today (UTC, the journal's clock) plus offset days, "YYYY-MM-DD".
func day(offset int) string { return time.Now().UTC().AddDate(0, 0, offset).Format(time.DateOnly) }

// runID is 4 characters of the USCC alphabet: USCCs and invoice numbers of one
// run never collide with another's on the same server.
func runID() string {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
