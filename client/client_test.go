// SPDX-License-Identifier: Apache-2.0

package client_test

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/client"
	"github.com/scfx/scfx/internal/apitest"
	"github.com/scfx/scfx/merkle"
	"github.com/scfx/scfx/uscc"
	"github.com/scfx/scfx/webhook"
)

// testWait bounds a wait for the anchorer (financeable, a proof).
const testWait = 30 * time.Second

var usccN atomic.Int64

// party is a participant as the test holds it: its client and, for SMEs and cores, its key.
type party struct {
	*client.Client
	ID  string
	key *ecdsa.PrivateKey
}

func onboard(t *testing.T, op *client.Client, in wire.CreateParticipantRequest) *party {
	t.Helper()
	code, err := uscc.Make('9', '1', "330206", fmt.Sprintf("MA%07d", usccN.Add(1)))
	if err != nil {
		t.Fatal(err)
	}
	in.USCC = code
	p := &party{}
	if in.Role != "lender" && in.Role != "auditor" {
		if p.key, err = crypto.GenerateKey(); err != nil {
			t.Fatal(err)
		}
		in.Address = crypto.PubkeyToAddress(p.key.PublicKey).Hex()
	}
	v, err := op.CreateParticipant(context.Background(), in)
	if err != nil {
		t.Fatalf("CreateParticipant(%s) = %v", in.Name, err)
	}
	if v.Token == "" || v.TokenShown == nil || !*v.TokenShown {
		t.Fatalf("CreateParticipant(%s) = %+v, want its token shown", in.Name, v)
	}
	p.ID, p.Client = v.ID, op.As(v.Token)
	return p
}

func day(offset int) string { return time.Now().UTC().AddDate(0, 0, offset).Format(time.DateOnly) }

func must[T any](t *testing.T, what string) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
}

// waitStatus polls the receivable until it has status want.
func waitStatus(t *testing.T, c *client.Client, id, want string) *wire.Receivable {
	t.Helper()
	deadline := time.Now().Add(testWait)
	for {
		r := must[*wire.Receivable](t, "Receivable")(c.Receivable(context.Background(), id))
		if r.Status == want {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("receivable %s is %s after %s, want %s", id, r.Status, testWait, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitProof asks for a proof until the leaf is anchored (409 before).
func waitProof(t *testing.T, c *client.Client, id, kind string) *wire.Proof {
	t.Helper()
	deadline := time.Now().Add(testWait)
	for {
		p, err := c.Proof(context.Background(), id, kind)
		var pr *client.Problem
		switch {
		case err == nil:
			return p
		case !errors.As(err, &pr) || pr.Status != http.StatusConflict || time.Now().After(deadline):
			t.Fatalf("Proof(%s, %s) = %v", id, kind, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestEveryOperation runs a receivable's whole life through the client against a
// real server on a real chain, calling every method at least once.
func TestEveryOperation(t *testing.T) {
	srv := apitest.Start(t)
	ctx := context.Background()
	op := client.New(srv.URL, srv.AdminToken)

	if s := must[*wire.Status](t, "Health")(op.Health(ctx)); s.Status != "ok" {
		t.Errorf("Health = %+v", s)
	}
	if s := must[*wire.Status](t, "Ready")(op.Ready(ctx)); s.Status != "ready" {
		t.Errorf("Ready = %+v", s)
	}
	if l := must[*wire.Ledger](t, "Ledger")(op.Ledger(ctx)); l.ChainID == 0 || l.RegistryAddress == "" {
		t.Errorf("Ledger = %+v", l)
	}
	if n := must[*wire.Node](t, "Node")(op.Node(ctx)); n.NodeID != "apitest" {
		t.Errorf("Node = %+v", n)
	}

	cl := must[*wire.Cluster](t, "CreateCluster")(op.CreateCluster(ctx, wire.CreateClusterRequest{
		Name: "宁波市北仑区汽车零部件产业集群", CountyCode: "330206", Level: "national", Industry: "汽车零部件及配件制造", ValidUntil: day(365),
	}))
	if got := must[*wire.Cluster](t, "Cluster")(op.Cluster(ctx, cl.ID)); *got != *cl {
		t.Errorf("Cluster(%s) = %+v, want %+v", cl.ID, got, cl)
	}
	if p := must[*wire.Page[wire.Cluster]](t, "Clusters")(op.Clusters(ctx, client.ListOptions{})); len(p.Items) != 1 || p.NextCursor != nil {
		t.Errorf("Clusters = %+v, want the one cluster", p)
	}

	core := onboard(t, op, wire.CreateParticipantRequest{Name: "甬海汽车集团", Role: "core", Rating: "AAA"})
	sme1 := onboard(t, op, wire.CreateParticipantRequest{Name: "北仑精工", Role: "sme", ClusterID: cl.ID, Certification: "specialized", CertificationValidUntil: day(700)})
	sme2 := onboard(t, op, wire.CreateParticipantRequest{Name: "甬信模具", Role: "sme"})
	lender := onboard(t, op, wire.CreateParticipantRequest{Name: "东海银行", Role: "lender"})
	if got := must[*wire.Participant](t, "Participant")(sme1.Participant(ctx, sme1.ID)); got.ClusterID == nil || *got.ClusterID != cl.ID || got.Token != "" {
		t.Errorf("Participant(%s) = %+v, want in cluster %s and no token", sme1.ID, got, cl.ID)
	}
	all := must[[]wire.Participant](t, "Collect(Participants)")(client.Collect(ctx, 2, op.Participants))
	if len(all) != 4 {
		t.Errorf("Collect(Participants, 2 a page) = %d participants, want 4", len(all))
	}
	if p := must[*wire.Participant](t, "SetParticipantStatus")(op.SetParticipantStatus(ctx, sme2.ID, "suspended")); p.Status != "suspended" {
		t.Errorf("suspended participant = %+v", p)
	}
	must[*wire.Participant](t, "SetParticipantStatus")(op.SetParticipantStatus(ctx, sme2.ID, "active"))

	tok := must[*wire.Token](t, "IssueToken")(lender.IssueToken(ctx, lender.ID, wire.IssueTokenRequest{}))
	if tok.Token == "" || tok.ParticipantID != lender.ID {
		t.Errorf("IssueToken = %+v", tok)
	}
	if p := must[*wire.Page[wire.Token]](t, "Tokens")(lender.Tokens(ctx, lender.ID)); len(p.Items) != 2 {
		t.Errorf("Tokens = %+v, want 2", p)
	}
	if r := must[*wire.Token](t, "RevokeToken")(lender.RevokeToken(ctx, lender.ID, tok.ID)); !r.Revoked {
		t.Errorf("RevokeToken = %+v", r)
	}

	// The lender's webhook: a receiver on loopback gets its events, signed.
	hooks := newHookReceiver(t)
	wh := must[*wire.Webhook](t, "RegisterWebhook")(lender.RegisterWebhook(ctx, wire.WebhookRequest{URL: hooks.URL, Description: "treasury"}))
	if wh.Secret == "" || wh.ParticipantID != lender.ID {
		t.Errorf("RegisterWebhook = %+v", wh)
	}
	hooks.secret.Store(&wh.Secret)
	if p := must[*wire.Page[wire.Webhook]](t, "Webhooks")(lender.Webhooks(ctx, client.ListOptions{})); len(p.Items) != 1 || p.Items[0].Secret != "" {
		t.Errorf("Webhooks = %+v", p)
	}

	r := must[*wire.Receivable](t, "SubmitReceivable")(sme1.SubmitReceivable(ctx, wire.SubmitReceivableRequest{
		DebtorID: core.ID, InvoiceNumber: "INV-0001", Amount: 100_000_000, Currency: "CNY", IssueDate: day(0), DueDate: day(90),
	}))
	if c := must[*wire.Receivable](t, "SignConfirmation")(core.SignConfirmation(ctx, r.ID, core.key)); c.Confirmation == nil {
		t.Fatalf("SignConfirmation = %+v, want a confirmation", c)
	}
	waitStatus(t, sme1.Client, r.ID, "financeable")
	if p := must[*wire.Page[wire.Receivable]](t, "Receivables")(sme1.Receivables(ctx, "financeable", client.ListOptions{Limit: 10})); len(p.Items) != 1 || p.Items[0].ID != r.ID {
		t.Errorf("Receivables(financeable) = %+v, want %s", p, r.ID)
	}
	child := must[*wire.Receivable](t, "SignTransfer")(sme1.SignTransfer(ctx, r.ID, sme2.ID, 30_000_000, sme1.key))
	if child.Tier != 2 || child.HolderID != sme2.ID || child.Amount != 30_000_000 {
		t.Errorf("SignTransfer = %+v", child)
	}
	waitStatus(t, sme2.Client, child.ID, "financeable")

	o := must[*wire.Offer](t, "PostOffer")(lender.PostOffer(ctx, wire.PostOfferRequest{
		CoreID: core.ID, LineAmount: 500_000_000, MaxTenorDays: 180, RatesBps: &wire.Rates{A: 340, B: 410, C: 520},
	}))
	if got := must[*wire.Offer](t, "Offer")(lender.Offer(ctx, o.ID)); got.Available != 500_000_000 {
		t.Errorf("Offer = %+v", got)
	}
	if p := must[*wire.Page[wire.Offer]](t, "Offers")(lender.Offers(ctx, client.ListOptions{})); len(p.Items) != 1 {
		t.Errorf("Offers = %+v", p)
	}
	lc := must[*wire.ListingCreated](t, "List")(sme1.List(ctx, r.ID, wire.ListRequest{MaxRateBps: 800}))
	if lc.Match == nil || len(lc.Matches) != 1 {
		t.Fatalf("List = %+v, want one fill", lc)
	}
	if l := must[*wire.Listing](t, "Listing")(sme1.Listing(ctx, lc.Listing.ID)); l.Status != "matched" {
		t.Errorf("Listing = %+v", l)
	}
	if p := must[*wire.Page[wire.Listing]](t, "Listings")(sme1.Listings(ctx, client.ListOptions{})); len(p.Items) != 0 {
		t.Errorf("Listings = %+v, want none resting (the listing matched)", p)
	}
	if p := must[*wire.Page[wire.DirectoryEntry]](t, "Directory")(sme1.Directory(ctx, "core", client.ListOptions{})); len(p.Items) != 1 || p.Items[0].ID != core.ID {
		t.Errorf("Directory(core) = %+v, want %s", p, core.ID)
	}
	if p := must[*wire.Page[wire.Match]](t, "Matches")(lender.Matches(ctx, client.ListOptions{})); len(p.Items) != 1 {
		t.Errorf("Matches = %+v", p)
	}
	if m := must[*wire.Match](t, "Match")(lender.Match(ctx, lc.Match.ID)); m.Status != "matched" {
		t.Errorf("Match = %+v", m)
	}
	if m := must[*wire.Match](t, "Fund")(lender.Fund(ctx, lc.Match.ID, wire.ReferenceRequest{Reference: "PAYOUT-1"})); m.Status != "funded" {
		t.Errorf("Fund = %+v", m)
	}
	for _, kind := range []string{"confirmation", "transfer", "assignment"} {
		id, c := r.ID, sme1.Client
		switch kind {
		case "transfer":
			id, c = child.ID, sme2.Client
		case "assignment":
			c = lender.Client
		}
		if p := waitProof(t, c, id, kind); !merkle.Verify(p.Root, p.Leaf, p.Proof) {
			t.Errorf("Proof(%s, %s) = %+v does not verify", id, kind, p)
		}
	}

	if l := must[*wire.Lineage](t, "Lineage")(sme2.Lineage(ctx, child.ID)); len(l.Hops) != 2 || l.Hops[0].Confirmation == nil ||
		l.Hops[1].Transfer == nil || l.Hops[1].Transfer.Child != child.ID || l.Hops[1].SplitBefore != 0 || l.Hops[1].ParentAmount != r.Amount {
		t.Errorf("Lineage(%s) = %+v, want the confirmation of %s and the transfer to %s", child.ID, l, r.ID, child.ID)
	}

	// The tier-2 part rests: nobody quotes that low.
	rest := must[*wire.ListingCreated](t, "List")(sme2.List(ctx, child.ID, wire.ListRequest{MaxRateBps: 100}))
	if rest.Match != nil || rest.Listing.Status != "resting" {
		t.Fatalf("List at 100 bps = %+v, want resting", rest)
	}
	if b := must[*wire.Book](t, "Book")(lender.Book(ctx, core.ID, 10)); len(b.Listings) != 1 || b.Mode != "continuous" {
		t.Errorf("Book = %+v, want the resting listing", b)
	}
	if l := must[*wire.Listing](t, "CancelListing")(sme2.CancelListing(ctx, rest.Listing.ID)); l.Status != "cancelled" {
		t.Errorf("CancelListing = %+v", l)
	}
	if b := must[*wire.Book](t, "SetBookMode")(op.SetBookMode(ctx, core.ID, "auction")); b.Mode != "auction" {
		t.Errorf("SetBookMode = %+v", b)
	}
	if a := must[*wire.Auction](t, "ClearAuction")(op.ClearAuction(ctx, core.ID)); a.Fills != 0 || a.Matches == nil {
		t.Errorf("ClearAuction on an empty book = %+v", a)
	}
	o2 := must[*wire.Offer](t, "PostOffer")(lender.PostOffer(ctx, wire.PostOfferRequest{
		CoreID: core.ID, LineAmount: 1_000_000, MaxTenorDays: 30, RateCurve: &wire.RateCurve{BaseBps: 300, BpsPer100Points: 20, MaxBps: 600},
	}))
	if c := must[*wire.Offer](t, "CancelOffer")(lender.CancelOffer(ctx, o2.ID)); c.Status != "cancelled" {
		t.Errorf("CancelOffer = %+v", c)
	}
	hooks.waitFor(t, o2.ID) // offer.cancelled, the lender's latest event
	// The deliverer records a delivery once the receiver has answered it, a moment
	// after the receiver has seen it: the newest one shows delivered soon after.
	var d *wire.WebhookDeliveries
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		d = must[*wire.WebhookDeliveries](t, "WebhookDeliveries")(lender.WebhookDeliveries(ctx, wh.ID, 10))
		if len(d.Items) > 0 && d.Items[0].Status == "delivered" || time.Now().After(deadline) {
			break
		}
	}
	if !d.Deliverer || len(d.Items) == 0 || d.Items[0].Status != "delivered" {
		t.Errorf("WebhookDeliveries = %+v, want the newest delivered", d)
	}
	if w := must[*wire.Webhook](t, "Webhook")(lender.Webhook(ctx, wh.ID)); w.ID != wh.ID {
		t.Errorf("Webhook = %+v", w)
	}
	if w := must[*wire.Webhook](t, "DeleteWebhook")(lender.DeleteWebhook(ctx, wh.ID)); !w.Deleted {
		t.Errorf("DeleteWebhook = %+v", w)
	}
	if s := must[*wire.Receivable](t, "Settle")(core.Settle(ctx, r.ID, wire.ReferenceRequest{Reference: "PAY-1"})); s.Status != "settled" {
		t.Errorf("Settle = %+v", s)
	}
	evs := must[*wire.Page[wire.Event]](t, "Events")(core.Events(ctx, client.EventOptions{Limit: 500}))
	if !slices.ContainsFunc(evs.Items, func(e wire.Event) bool { return e.Type == "receivable.settled" && e.ObjectID == r.ID }) {
		t.Errorf("Events = %+v, want the settlement", evs.Items)
	}
	idle := must[*wire.Page[wire.Event]](t, "Events")(core.Events(ctx, client.EventOptions{After: *evs.NextCursor, Wait: time.Second}))
	if len(idle.Items) != 0 || *idle.NextCursor != *evs.NextCursor {
		t.Errorf("Events after the last = %+v", idle)
	}
	_, err := core.Events(ctx, client.EventOptions{After: "x"})
	var p *client.Problem
	if !errors.As(err, &p) || p.Code != "validation_failed" {
		t.Errorf("Events(after x) = %v, want validation_failed", err)
	}

	// An auditor reads the transparency log: the batches anchored above commit heads.
	aud := onboard(t, op, wire.CreateParticipantRequest{Name: "审计事务所", Role: "auditor"}).Client
	h := must[*wire.LogHead](t, "LogHead")(aud.LogHead(ctx, 0))
	if h.Size == 0 || len(h.Anchored) == 0 {
		t.Fatalf("LogHead = %+v, want entries and anchored heads", h)
	}
	if es := must[*wire.LogEntries](t, "LogEntries")(aud.LogEntries(ctx, 1, 3)); len(es.Entries) != 3 || es.Entries[2].Seq != 3 {
		t.Errorf("LogEntries(1, 3) = %+v", es)
	}
	if p := must[*wire.LogInclusion](t, "LogInclusion")(aud.LogInclusion(ctx, 2, h.Size)); p.Root != h.Root {
		t.Errorf("LogInclusion = %+v, want root %s", p, h.Root)
	}
	a0 := h.Anchored[0]
	if p := must[*wire.LogConsistency](t, "LogConsistency")(aud.LogConsistency(ctx, a0.Size, h.Size)); p.OldRoot != a0.Root || p.NewRoot != h.Root {
		t.Errorf("LogConsistency = %+v, want %s to %s", p, a0.Root, h.Root)
	}
}

// TestProblem: an error answer is a *client.Problem with the problem+json's
// status, code, detail and field errors.
func TestProblem(t *testing.T) {
	srv := apitest.Start(t)
	ctx := context.Background()
	op := client.New(srv.URL, srv.AdminToken)

	_, err := op.Receivable(ctx, "rcv_404")
	var p *client.Problem
	if !errors.As(err, &p) || p.Status != http.StatusNotFound || p.Code != "not_found" || p.Detail == "" || p.Path != "/v1/receivables/rcv_404" {
		t.Fatalf("Receivable(unknown) = %v (%#v), want a not_found Problem", err, p)
	}
	if !client.IsCode(err, "not_found") || client.IsCode(err, "validation_failed") {
		t.Errorf("IsCode(%v) is wrong", err)
	}

	_, err = op.CreateCluster(ctx, wire.CreateClusterRequest{Name: "x", CountyCode: "330206", Level: "galactic", Industry: "x", ValidUntil: day(30)})
	if !errors.As(err, &p) || p.Status != http.StatusBadRequest || p.Code != "validation_failed" || len(p.Errors) == 0 || p.Errors[0].Field != "level" {
		t.Fatalf("CreateCluster(level galactic) = %v (%#v), want validation_failed on level", err, p)
	}

	_, err = client.New(srv.URL, "not-a-token").Clusters(ctx, client.ListOptions{})
	if !errors.As(err, &p) || p.Status != http.StatusUnauthorized || p.Code != "unauthorized" {
		t.Fatalf("Clusters with a bad token = %v, want unauthorized", err)
	}
}

// hookReceiver is a webhook receiver on loopback that checks each delivery's
// signature and records the events' object ids.
type hookReceiver struct {
	*httptest.Server
	secret atomic.Pointer[string]
	mu     sync.Mutex
	seen   map[string]bool
	bad    []string
}

func newHookReceiver(t *testing.T) *hookReceiver {
	h := &hookReceiver{seen: map[string]bool{}}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var ev wire.Event
		_ = json.Unmarshal(body, &ev)
		h.mu.Lock()
		defer h.mu.Unlock()
		s := h.secret.Load()
		if s == nil || webhook.Verify(*s, r.Header.Get(webhook.HeaderSignature), body, time.Now(), 5*time.Minute) != nil || ev.ID != r.Header.Get(webhook.HeaderEventID) {
			h.bad = append(h.bad, string(body))
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		h.seen[ev.ObjectID] = true
	}))
	t.Cleanup(h.Close)
	return h
}

// waitFor waits until an event of object id arrived.
func (h *hookReceiver) waitFor(t *testing.T, id string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		h.mu.Lock()
		ok, bad := h.seen[id], slices.Clone(h.bad)
		h.mu.Unlock()
		if len(bad) > 0 {
			t.Fatalf("deliveries that do not verify: %q", bad)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no webhook delivery of %s", id)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
