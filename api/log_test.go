// SPDX-License-Identifier: Apache-2.0

package api

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/translog"
)

func (e *testEnv) auditor() *testParty {
	e.t.Helper()
	return e.participant(participantRequest{Role: string(matcher.RoleAuditor)})
}

func parseHashes(t testing.TB, hs []string) []translog.Hash {
	t.Helper()
	out := make([]translog.Hash, len(hs))
	for i, h := range hs {
		out[i] = translog.Hash(common.HexToHash(h))
	}
	return out
}

// logLifecycle reads the log as an auditor through every log endpoint and checks
// what it reads: the entries' leaves give the head's root, and the proofs check.
func (e *testEnv) logLifecycle(t *testing.T, aud *testParty) {
	t.Helper()
	var head wire.LogHead
	e.getJSON(aud.Token, "/v1/log/head", &head)
	if head.Size == 0 {
		t.Fatalf("GET /v1/log/head = %+v: an empty log after a lifecycle", head)
	}
	tree := translog.New()
	for from := uint64(1); from <= head.Size; {
		var page wire.LogEntries
		e.getJSON(aud.Token, fmt.Sprintf("/v1/log/entries?from=%d&to=%d", from, head.Size), &page)
		for _, en := range page.Entries {
			if en.Seq != from {
				t.Fatalf("entry %d where %d was due", en.Seq, from)
			}
			_ = tree.Append(translog.LeafHash(en.Seq, en.TimeMs, en.Data))
			from++
		}
		if page.Next == nil {
			break
		}
	}
	if tree.Size() != head.Size {
		t.Fatalf("read %d entries, the head has %d", tree.Size(), head.Size)
	}
	if root, _ := tree.Root(head.Size); hashHex(root) != head.Root {
		t.Fatalf("the entries' root %x is not the head's %s", root, head.Root)
	}
	seq := head.Size / 2
	var inc wire.LogInclusion
	e.getJSON(aud.Token, fmt.Sprintf("/v1/log/inclusion?seq=%d", max(seq, 1)), &inc)
	leaf, _ := tree.Leaf(inc.Seq)
	if err := translog.CheckInclusion(parseHashes(t, inc.Proof), inc.Size, translog.Hash(common.HexToHash(inc.Root)), inc.Seq, leaf); err != nil {
		t.Fatalf("GET /v1/log/inclusion: %v", err)
	}
	var cons wire.LogConsistency
	e.getJSON(aud.Token, fmt.Sprintf("/v1/log/consistency?old=%d&new=%d", max(seq, 1), head.Size), &cons)
	oldRoot, _ := tree.Root(cons.Old)
	if err := translog.CheckConsistency(parseHashes(t, cons.Proof), cons.New, translog.Hash(common.HexToHash(head.Root)), cons.Old, oldRoot); err != nil {
		t.Fatalf("GET /v1/log/consistency: %v", err)
	}
	var nv NodeView
	e.getJSON(aud.Token, "/v1/node", &nv)
}

// docs/audit.md: an auditor is made by the operator, sees every object, and every
// write it tries is refused with 403 and changes nothing.
func TestAuditorReadsEverythingWritesNothing(t *testing.T) {
	e := newTestEnv(t)
	core, sme, lender := e.core("AAA"), e.sme("", ""), e.lender()
	r := e.financeable(sme, core, 100_000_00, 90)
	o := e.offer(lender, core, 1_000_000_00, 500)
	aud := e.auditor()
	if aud.Role != "auditor" {
		t.Fatalf("role = %q, want auditor", aud.Role)
	}
	for _, path := range []string{"/v1/receivables/" + r.ID, "/v1/offers/" + o.ID, "/v1/participants/" + sme.ID, "/v1/receivables/" + r.ID + "/proof"} {
		e.mustStatus(e.get(aud.Token, path), http.StatusOK, nil)
	}
	var recs page[ReceivableView]
	e.getJSON(aud.Token, "/v1/receivables", &recs)
	if len(recs.Items) != 1 {
		t.Fatalf("the auditor lists %d receivables, want 1", len(recs.Items))
	}
	before := e.stateHash()
	for _, w := range []struct{ method, path string }{
		{"POST", "/v1/receivables"},
		{"POST", "/v1/offers"},
		{"POST", "/v1/receivables/" + r.ID + "/listings"},
		{"POST", "/v1/participants/" + aud.ID + "/tokens"},
		{"DELETE", "/v1/offers/" + o.ID},
		{"PATCH", "/v1/participants/" + sme.ID},
	} {
		e.wantProblem(e.do(w.method, w.path, aud.Token, map[string]any{}), http.StatusForbidden, matcher.CodeForbidden)
	}
	if after := e.stateHash(); after != before {
		t.Fatal("an auditor's refused writes changed the state")
	}
	// The matcher refuses an auditor's command by itself, whatever door it came through.
	var res matcher.Result
	res, err := e.Node.Submit(t.Context(), matcher.Command{Actor: aud.ID, Payload: &matcher.IssueToken{ParticipantID: aud.ID, TokenHash: fmt.Sprintf("%064x", 7)}})
	if err != nil || res.Err == nil || res.Err.Code != matcher.CodeForbidden {
		t.Fatalf("Submit(issue_token by the auditor) = %+v, %v; want forbidden", res.Err, err)
	}
	e.logLifecycle(t, aud)
	// Others may not read the log.
	for _, tok := range []string{sme.Token, lender.Token, core.Token} {
		e.wantProblem(e.get(tok, "/v1/log/head"), http.StatusForbidden, matcher.CodeForbidden)
	}
}

func TestLogEndpointsRefuseBadInput(t *testing.T) {
	e := newTestEnv(t)
	op := e.Admin.Token
	e.cluster("national")
	var head wire.LogHead
	e.getJSON(op, "/v1/log/head", &head)
	past := fmt.Sprint(head.Size + 1)
	for _, path := range []string{
		"/v1/log/entries?from=0",
		"/v1/log/entries?from=x",
		"/v1/log/entries?from=" + past,
		"/v1/log/entries?from=2&to=1",
		"/v1/log/inclusion",
		"/v1/log/inclusion?seq=" + past,
		"/v1/log/inclusion?seq=1&size=" + past,
		"/v1/log/consistency",
		"/v1/log/consistency?old=1&new=" + past,
		"/v1/log/consistency?old=" + past,
		"/v1/log/head?from_size=-1",
	} {
		e.wantProblem(e.get(op, path), http.StatusBadRequest, matcher.CodeValidation)
	}
	// A page is bounded: at most 1,000 entries whatever to says.
	for range logEntriesMax {
		if _, err := e.Node.Submit(t.Context(), matcher.Command{Actor: matcher.ActorSystem, Payload: &matcher.Tick{}}); err != nil {
			t.Fatal(err)
		}
	}
	var page wire.LogEntries
	e.getJSON(op, "/v1/log/entries?from=1&to=100000", &page)
	if len(page.Entries) != logEntriesMax || page.Next == nil || *page.Next != logEntriesMax+1 {
		t.Fatalf("entries 1..100000: %d entries, next %v; want %d and %d", len(page.Entries), page.Next, logEntriesMax, logEntriesMax+1)
	}
}
