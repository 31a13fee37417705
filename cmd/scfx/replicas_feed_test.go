// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/client"
)

// TestReplicasFeedIdentical: the event feed is derived from the journal, so every
// replica serves the same feed (docs/api.md "Events"). Three `scfx serve` replicas on
// a real redis-server run a random market and then every servicing operation — a
// transfer, a financed fragment, a credit note reaching it, a payment, a partial
// receipt, a rejection, a rating and a certification change — each through another
// replica, one replica SIGKILLed in the middle and started again on its data
// directory. Then each participant's GET /v1/events, and the operator's, are
// byte-identical on the three, event by event, up to the entry they converged at.
func TestReplicasFeedIdentical(t *testing.T) {
	pf := startPlatform(t, 3, "--snapshot-every", "20", "--snapshot-min-interval", "0s")
	seed := testSeed(t)
	mk := newLoadMarket()
	mk.setup(pf.reps[0], rand.New(rand.NewPCG(seed, 1<<32)))
	startLoad(pf.up, mk, marketMix, seed, 3, 15).wg.Wait()
	noBadAnswers(t, mk)

	core, a, b, lender := mk.cores[0], mk.smes[0], mk.smes[1], mk.lenders[0]
	n := 0
	next := func() *replica { // the next running replica, round robin
		up := pf.up()
		n++
		return up[n%len(up)]
	}
	signed := func(r *replica, p *party, path string) string {
		t.Helper()
		// A read of r's own state: r may not have applied yet what another replica
		// acknowledged, so it is retried for a while.
		var raw []byte
		waitFor(t, visibleMax, "typed data "+path+" on "+r.id, func() bool {
			status, body, err := r.call("GET", path, p.token, nil)
			raw = body
			return err == nil && status == http.StatusOK
		})
		sig, err := client.SignTypedData(p.key, raw)
		if err != nil {
			t.Fatal(err)
		}
		return sig
	}
	waitStatus := func(p *party, id, status string) {
		t.Helper()
		r := next()
		waitFor(t, anchoredMax, id+" "+status+" on "+r.id, func() bool {
			var v wire.Receivable
			return json.Unmarshal(mustRaw(t, r, "/v1/receivables/"+id, p.token), &v) == nil && v.Status == status
		})
	}
	salt := func(i int) string { return hexutil.Encode(bytes.Repeat([]byte{byte(seed), byte(i)}, 16)) }

	next().must("POST", "/v1/offers", lender.token, map[string]any{"core_id": core.id, "line_amount": 10_000_000_000, "max_tenor_days": 365,
		"rates_bps": map[string]int64{"A": 200, "B": 200, "C": 200}, "late_rate_bps": 1800, "recourse": true}, http.StatusCreated)
	inv := jsonStr(next().must("POST", "/v1/receivables", a.token, wire.SubmitReceivableRequest{
		DebtorID: core.id, InvoiceNumber: fmt.Sprintf("%s-FEED-1", mk.prefix), Amount: 1_000_000_00, Currency: "CNY",
		IssueDate: day(0), DueDate: day(90)}, http.StatusCreated), "id")
	r := next()
	r.must("POST", "/v1/receivables/"+inv+"/confirm", core.token, wire.ConfirmRequest{Signature: signed(r, core, "/v1/receivables/"+inv+"/typed-data")}, http.StatusOK)
	waitStatus(a, inv, "financeable")
	r = next()
	q := fmt.Sprintf("?to_id=%s&amount=%d&salt=%s", b.id, 400_000_00, salt(1))
	frag := jsonStr(r.must("POST", "/v1/receivables/"+inv+"/transfers", a.token, wire.TransferRequest{ToID: b.id, Amount: 400_000_00, Salt: salt(1),
		Signature: signed(r, a, "/v1/receivables/"+inv+"/transfers/typed-data"+q)}, http.StatusCreated), "id")
	waitStatus(b, frag, "financeable")

	// A replica other than the anchorer goes down (SIGKILL) while the market goes on.
	holder := pf.oneAnchorer(3 * leaseTTL)
	victim := pf.reps[0]
	for _, x := range pf.reps {
		if x != holder {
			victim = x
		}
	}
	// It took a snapshot first, which saves its feed beside it: the restart restores
	// both and replays the journal after them.
	waitFor(t, 30*time.Second, victim.id+" to take a snapshot", func() bool { return victim.node().SnapshotSeq > 0 })
	victim.kill()
	lc := next().must("POST", "/v1/receivables/"+frag+"/listings", b.token, wire.ListRequest{MaxRateBps: 900}, http.StatusCreated)
	m, _ := lc["match"].(map[string]any)
	if m == nil || m["lender_id"] != lender.id {
		t.Fatalf("the fragment's listing was not matched by the servicing lender: %v", lc)
	}
	mt := m["id"].(string)
	next().must("POST", "/v1/matches/"+mt+"/fund", lender.token, map[string]string{"reference": "SWIFT-FEED"}, http.StatusOK)
	r = next()
	cq := url.Values{"amount": {strconv.Itoa(700_000_00)}, "reason": {"退货"}, "salt": {salt(2)}}
	r.must("POST", "/v1/receivables/"+inv+"/credit-notes", core.token, wire.CreditNoteRequest{Amount: 700_000_00, Reason: "退货", Salt: salt(2),
		Signature: signed(r, core, "/v1/receivables/"+inv+"/credit-notes/typed-data?"+cq.Encode())}, http.StatusCreated)
	victim.restart()
	next().must("POST", "/v1/receivables/"+frag+"/payments", core.token, wire.PaymentRequest{MatchID: mt, Amount: 300_000_00, Reference: "CNAPS-FEED"}, http.StatusCreated)
	next().must("POST", "/v1/matches/"+mt+"/repayments", lender.token, wire.RepaymentRequest{Amount: 100_000_00, Reference: "RCPT-FEED"}, http.StatusCreated)
	next().must("POST", "/v1/participants/"+core.id+"/changes", replicaAdmin, wire.ParticipantChangeRequest{Rating: "BBB", Reason: "评级下调"}, http.StatusCreated)
	// b's certification may already be little_giant: its validity changes anyway.
	next().must("POST", "/v1/participants/"+b.id+"/changes", replicaAdmin, wire.ParticipantChangeRequest{Certification: "little_giant",
		CertificationValidUntil: day(2*365 + 7), Reason: "认定"}, http.StatusCreated)
	bad := jsonStr(next().must("POST", "/v1/receivables", a.token, wire.SubmitReceivableRequest{
		DebtorID: core.id, InvoiceNumber: fmt.Sprintf("%s-FEED-2", mk.prefix), Amount: 5_000_00, Currency: "CNY",
		IssueDate: day(0), DueDate: day(60)}, http.StatusCreated), "id")
	next().must("POST", "/v1/receivables/"+bad+"/reject", core.token, map[string]string{"reason": "货物未到"}, http.StatusOK)

	at := pf.converge().AppliedSeq
	parties := map[string]string{"operator": replicaAdmin, "core": core.token, "sme a": a.token, "sme b": b.token, "lender": lender.token}
	var operatorTypes []string
	for who, token := range parties {
		var first [][]byte
		for i, rep := range pf.reps {
			evs, types := feedUpTo(t, rep, token, at)
			if i == 0 {
				first = evs
				if who == "operator" {
					operatorTypes = types
				}
				continue
			}
			if len(evs) != len(first) {
				t.Fatalf("%s's feed up to seq %d: %d events on %s, %d on %s", who, at, len(first), pf.reps[0].id, len(evs), rep.id)
			}
			for k := range evs {
				if !bytes.Equal(evs[k], first[k]) {
					t.Fatalf("%s's feed: event %d on %s is\n%s\non %s\n%s", who, k, pf.reps[0].id, first[k], rep.id, evs[k])
				}
			}
		}
		t.Logf("%s's feed: %d events, identical on %d replicas", who, len(first), len(pf.reps))
	}
	for _, typ := range []string{"receivable.credit_note", "match.credit_note", "receivable.payment", "match.payment", "match.repayment",
		"participant.rating", "participant.certification_valid_until", "receivable.rejected", "match.funded", "receivable.transferred"} {
		if !slices.Contains(operatorTypes, typ) {
			t.Errorf("the operator's feed has no %s event", typ)
		}
	}
	log := victim.log()
	if i := strings.LastIndex(log, "==== test: start 2 of "); i < 0 || !strings.Contains(log[i:], `msg="restored snapshot"`) {
		t.Fatalf("%s's second start restored no snapshot; its log:\n%s", victim.id, tailString(log, 3000))
	}
}

// feedUpTo reads token's whole feed from r (every page, oldest first) and returns the
// raw JSON of each event of an entry up to seq at, and their types.
func feedUpTo(t *testing.T, r *replica, token string, at uint64) ([][]byte, []string) {
	t.Helper()
	var out [][]byte
	var types []string
	after := ""
	for deadline := time.Now().Add(convergeMax); time.Now().Before(deadline); {
		path := "/v1/events?limit=500"
		if after != "" {
			path += "&after=" + after
		}
		var page struct {
			Items      []json.RawMessage `json:"items"`
			NextCursor *string           `json:"next_cursor"`
		}
		if err := json.Unmarshal(mustRaw(t, r, path, token), &page); err != nil {
			t.Fatal(err)
		}
		for _, raw := range page.Items {
			var ev wire.Event
			if err := json.Unmarshal(raw, &ev); err != nil {
				t.Fatal(err)
			}
			if ev.Seq > at {
				return out, types
			}
			out, types = append(out, raw), append(types, ev.Type)
		}
		if len(page.Items) == 0 {
			return out, types
		}
		after = *page.NextCursor
	}
	t.Fatalf("%s: reading the feed took more than %v", r.id, convergeMax)
	return nil, nil
}

func jsonStr(v map[string]any, key string) string {
	s, _ := v[key].(string)
	return s
}
