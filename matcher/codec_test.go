// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
)

// Tests of the binary journal encoding (codec.go): it round-trips every command,
// refuses every malformed record as validation_failed, and refuses the JSON records of
// older journals by name.

// Every command of the fuzz world, and one with every field of every payload set,
// decodes to the command encoded.
func TestCodecRoundTrip(t *testing.T) {
	_, cmds := fuzzWorld(t)
	full := []Command{
		{Actor: "par_3", IdemKey: "k", IdemHash: "h", Payload: &PostOffer{
			CoreID: "par_2", LineAmount: 1 << 40, RatesBps: Rates{A: 300, B: 400, C: 500}, MinScore: 55,
			MaxTenorDays: 180, MinTicket: 1, MaxTicket: 1 << 50, ClusterIDs: []string{"clu_1", "clu_2"}, MinCertification: "innovative",
		}},
		{Actor: ActorOperator, Payload: &CreateParticipant{
			Name: "苏州精密制造有限公司", USCC: "91320500MA1X2Y3Z4A", Role: "sme", Address: "0xabc", ClusterID: "clu_1",
			Certification: "specialized", CertificationValidUntil: "2027-01-01", Rating: "AA", TokenHash: "ff",
		}},
		{Actor: "par_1", Payload: &Transfer{ReceivableID: "rcv_1", ToID: "par_4", Amount: -5, Salt: "0x01", Signature: "0x02"}},
		{Actor: ActorSystem, Payload: &SetLedger{ChainID: 1337, Registry: "0x1", Platform: "0x2", Anchorer: "0x3"}},
		{Actor: ActorSystem, Payload: &RecordRegistrations{First: 7, TxHash: "0x9", Fence: 3,
			Results: []RegResult{{Fingerprint: "0x1"}, {Fingerprint: "0x2", Duplicate: true, ExistingRef: "0x3"}}}},
		{Actor: ActorSystem, Payload: &RecordAnchor{FirstLeaf: 1, Count: 1000, Root: "0xr", TxHash: "0xt", Block: 99, Fence: 2}},
		{Actor: "par_3", Payload: &Fund{MatchID: "mat_1", Reference: "电汇 001"}},
		{Actor: "par_2", Payload: &Settle{ReceivableID: "rcv_1", Reference: "r"}},
		{Actor: "par_2", Payload: &IssueToken{ParticipantID: "par_2", TokenHash: "ab", ExpiresMs: 1_700_000_000_000}},
		{Actor: ActorOperator, Payload: &RevokeToken{ParticipantID: "par_2", TokenID: "tok_1"}},
		{Actor: ActorOperator, Payload: &SetStatus{ParticipantID: "par_2", Status: "suspended"}},
		{Actor: "par_1", IdemKey: "k", IdemHash: "h", Payload: &Reject{Error: Error{Code: CodeValidation, Detail: "amount: must be positive",
			Fields: []FieldError{{Field: "amount", Message: "must be positive"}}}}},
		{Actor: "par_1", Payload: &Reject{Error: Error{Code: "unsupported_media_type", Detail: "d"}}},
		{Actor: ActorOperator, Payload: &SetBookMode{CoreID: "par_2", Mode: "auction"}},
		{Actor: ActorSystem, Payload: &ClearAuction{}},
		{Actor: "par_3", Payload: &PostOffer{CoreID: "par_2", LineAmount: 9, MaxTenorDays: 90,
			RateCurve: &RateCurve{BaseBps: 300, BpsPer100Points: 12, MaxBps: 600}, ClusterIDs: []string{"clu_1"}}},
		{Actor: "par_1", Payload: &List{ReceivableID: "rcv_1", MaxRateBps: 500, MinFillFen: 1000}},
	}
	for i, c := range append(cmds, full...) {
		got, err := DecodeCommand(mustEncode(t, c))
		if err != nil || !sameCommand(got, c) {
			t.Fatalf("command %d: %+v decodes to %+v, %v", i, c, got, err)
		}
	}
}

// Strings that are not UTF-8 are written as encoding/json wrote them, with U+FFFD, so
// the state never holds a string its JSON snapshot would change.
func TestCodecInvalidUTF8(t *testing.T) {
	c := Command{Actor: "par_3", Payload: &Fund{MatchID: "mat_1", Reference: "a\xffb"}}
	got, err := DecodeCommand(mustEncode(t, c))
	if err != nil || got.Payload.(*Fund).Reference != "a\uFFFDb" {
		t.Fatalf("decoded %+v, %v; want the reference with U+FFFD", got.Payload.(*Fund), err)
	}
}

// A malformed binary record is refused as validation_failed and, applied, changes
// nothing but the sequence.
func TestCodecRefusesMalformed(t *testing.T) {
	w := newWorld(t)
	tick := mustEncode(t, Command{Actor: ActorSystem, Payload: &Tick{}})
	list := mustEncode(t, Command{Actor: "par_1", Payload: &List{ReceivableID: "rcv_1", MaxRateBps: 500}})
	offer := mustEncode(t, Command{Actor: "par_1", Payload: &PostOffer{CoreID: "par_2", ClusterIDs: []string{"a"}}})
	regs := mustEncode(t, Command{Actor: ActorSystem, Payload: &RecordRegistrations{Results: []RegResult{{Fingerprint: "f"}}}})
	str := func(s string) []byte { return append(binary.AppendUvarint(nil, uint64(len(s))), s...) }
	rec := func(parts ...[]byte) []byte { return bytes.Join(append([][]byte{{binaryMagic}}, parts...), nil) }
	head := func(kind, actor string) []byte { return rec(str(kind), str(actor), str(""), str("")) }
	cancelOffer := append([]byte{tagCancelOffer}, str("off_1")...)
	listPayload := append(append([]byte{tagList}, str("rcv_1")...), 0x02)
	refused := map[string][]byte{
		"magic only":              {binaryMagic},
		"trailing zero":           append(bytes.Clone(tick), 0),
		"trailing unknown tag":    append(bytes.Clone(tick), 0xEE),
		"unknown kind":            head("mint", "system"),
		"no actor":                head("tick", ""),
		"no payload":              head("list", "par_1"),
		"tick with a payload":     rec(head("tick", "system")[1:], listPayload),
		"payload of another kind": rec(head("confirm", "par_1")[1:], listPayload),
		"two payloads":            rec(head("list", "par_1")[1:], listPayload, cancelOffer),
		"tags out of order":       rec(head("list", "par_1")[1:], cancelOffer, listPayload),
		"tag repeated":            rec(head("cancel_offer", "par_1")[1:], cancelOffer, cancelOffer),
		"overlong varint":         rec([]byte{0x84, 0x00}, []byte("tick"), str("system"), str(""), str("")),
		"varint overflows":        rec(str("tick"), str("system"), str(""), str(""), []byte{tagList}, str("r"), bytes.Repeat([]byte{0xFF}, 10), []byte{1}),
		"string past the end":     rec(str("tick"), []byte{0x7F}, []byte("sys")),
		"invalid UTF-8":           rec(str("tick"), str("sy\xffem"), str(""), str("")),
		"invalid UTF-8 kind":      rec(str("\xff"), str("system"), str(""), str("")),
		"bool not 0 or 1":         bytes.Replace(regs, append(str("f"), 0), append(str("f"), 2), 1),
		"list count past the end": bytes.Replace(offer, append([]byte{1}, str("a")...), append([]byte{0x7F}, str("a")...), 1),
		"over the size limit":     rec(str("tick"), str("system"), str(strings.Repeat("k", maxCommandBytes)), str("")),
	}
	// Every strict prefix of a valid record.
	for _, b := range [][]byte{tick, list, offer, regs} {
		for n := 0; n < len(b); n++ {
			refused[fmt.Sprintf("prefix %d of %x", n, b)] = b[:n]
		}
	}
	for name, in := range refused {
		if c, err := DecodeCommand(in); err == nil {
			t.Errorf("%s: DecodeCommand(%x) = %+v, want refused", name, in, c)
			continue
		} else if e, ok := err.(*Error); !ok || e.Code != CodeValidation {
			t.Errorf("%s: error %v, want validation_failed", name, err)
		}
		before, seq := w.hash(), w.seq+1
		r := w.m.ApplyRaw(seq, w.nowMs, in)
		w.seq = seq
		if r.Err == nil || r.Err.Code != CodeValidation || w.hash() != before {
			t.Errorf("%s: ApplyRaw = %+v, want validation_failed and no change", name, r)
		}
	}
}

// ApplyRawUnanswered leaves out of the result what only a response needs — the
// objects, a receivable's score and anchors — but keeps the work counts the node
// wakes the anchorer by; except for a command with an Idempotency-Key: its record
// must answer a retry on this replica exactly as the replica that took the request
// answered it.
func TestApplyRawUnanswered(t *testing.T) {
	w := newWorld(t)
	a, core := w.sme("", ""), w.core("AAA")
	plain := w.submitCmd(core, 1000, 90)
	plain.Actor = a
	w.seq++
	r := w.m.ApplyRawUnanswered(w.seq, w.nowMs, mustEncode(t, plain))
	if r.Err != nil || r.Receivable != nil || r.Score != nil || r.Anchors != nil || r.Seq != w.seq {
		t.Fatalf("unanswered submit = %+v, want its seq and nothing else", r)
	}
	confirm := w.confirmCmd(makeID(prefixReceivable, w.m.s.Counters.Receivable))
	confirm.Actor = core
	w.seq++
	if r := w.m.ApplyRawUnanswered(w.seq, w.nowMs, mustEncode(t, confirm)); r.Err != nil || r.NewLeaves != 1 || r.NewRegs != 1 || r.Receivable != nil {
		t.Fatalf("unanswered confirm = %+v, want the work counts (1 leaf, 1 registration) and no objects", r)
	}
	keyed := w.submitCmd(core, 2000, 90)
	keyed.Actor, keyed.IdemKey, keyed.IdemHash = a, "k1", "h1"
	w.seq++
	first := w.m.ApplyRawUnanswered(w.seq, w.nowMs, mustEncode(t, keyed))
	w.seq++
	again := w.m.ApplyRaw(w.seq, w.nowMs, mustEncode(t, keyed))
	if first.Score == nil || !again.Replayed || again.Score == nil || again.Score.Total != first.Score.Total || again.Receivable.ID != first.Receivable.ID {
		t.Fatalf("keyed submit applied unanswered = %+v; its retry = %+v; want both whole", first, again)
	}
}

// A result holds copies: later entries that change its objects do not change it, nor
// the idempotency record a retry is answered from.
func TestResultsAreCopies(t *testing.T) {
	w := newWorld(t)
	a, core := w.sme("", ""), w.core("AAA")
	keyed := w.submitCmd(core, 1000, 90)
	keyed.Actor, keyed.IdemKey, keyed.IdemHash = a, "k1", "h1"
	w.seq++
	answered := w.m.ApplyRaw(w.seq, w.nowMs, mustEncode(t, keyed))
	if answered.Err != nil || answered.Receivable == nil {
		t.Fatalf("submit = %+v", answered)
	}
	w.confirm(answered.Receivable.ID)
	if answered.Receivable.Status != StatusPending {
		t.Fatalf("the submit's result shows status %s after a later confirm, want %s", answered.Receivable.Status, StatusPending)
	}
	w.seq++
	again := w.m.ApplyRaw(w.seq, w.nowMs, mustEncode(t, keyed))
	if !again.Replayed || again.Receivable.Status != StatusPending {
		t.Fatalf("retry = %+v, want the first answer replayed (status %s)", again, StatusPending)
	}
	got, err := w.m.Receivable(ActorOperator, answered.Receivable.ID)
	if err != nil || got.Status == StatusPending {
		t.Fatalf("state: %+v, %v; want it confirmed", got, err)
	}
}

// A list's result is its own too, though it shares what cannot change: its Match is
// its first fill in Matches, and its listing's fills stay as they were when a later
// offer fills more of the listing (the state's list of fills only grows, past the
// result's length) and when a fill is funded.
func TestListResultIsCopies(t *testing.T) {
	w := newWorld(t)
	a, core, first, second := w.sme("", ""), w.core("AAA"), w.lender(), w.lender()
	w.offer(first, core, 200_000_00, 300, 300, 300)
	id := w.financeable(a, core, 600_000_00, 90)
	r := w.must(w.as(a, listFill(id, 1000, 100_000_00)))
	if len(r.Matches) != 1 || r.Match != &r.Matches[0] || r.Listing.Status != ListingResting || len(r.Listing.MatchIDs) != 1 {
		t.Fatalf("list = %+v, want one fill and the rest resting", r)
	}
	l, mt := w.m.s.Listings.get(r.Listing.ID), w.m.s.Matches.get(r.Match.ID)
	if l == r.Listing || mt == r.Match {
		t.Fatal("the result holds the state's own objects")
	}
	want := *r.Listing
	w.offer(second, core, 1_000_000_00, 400, 400, 400) // fills the rest
	w.must(w.fund(r.Match.ID))
	if len(l.MatchIDs) != 2 || l.Status != ListingMatched || mt.Status != MatchFunded {
		t.Fatalf("state: listing %+v, match %+v; want two fills, the first funded", l, mt)
	}
	if len(r.Listing.MatchIDs) != 1 || r.Listing.MatchIDs[0] != mt.ID || r.Listing.FilledFen != want.FilledFen ||
		r.Listing.Status != ListingResting || r.Match.Status != MatchMatched || r.Matches[0].Status != MatchMatched {
		t.Fatalf("the list's result changed with the state: listing %+v, match %+v", r.Listing, r.Match)
	}
	r.Listing.MatchIDs = append(r.Listing.MatchIDs, "mat_999")
	if l.MatchIDs[1] == "mat_999" {
		t.Fatal("an append to the result's fills wrote into the state's")
	}
}
