// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/scfx/scfx/eip712"
)

// Tests of the journal side of the matcher: the encoding of commands (DecodeCommand:
// "unknown fields, trailing data, a missing actor or a payload that does not match the
// kind are refused"), idempotency keys (docs/api.md "Conventions"), replay from snapshots
// (docs/matching.md §5), and the fuzz target over decoding and ApplyRaw.

func mustEncode(tb testing.TB, c Command) []byte {
	tb.Helper()
	b, err := EncodeCommand(c)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// sameCommand compares two decoded commands, an empty list and a missing one being the
// same command (the encoding omits both).
func sameCommand(a, b Command) bool {
	norm := func(c Command) Command {
		switch p := c.Payload.(type) {
		case *PostOffer:
			if len(p.ClusterIDs) == 0 {
				q := *p
				q.ClusterIDs = nil
				c.Payload = &q
			}
		case *RecordRegistrations:
			if len(p.Results) == 0 {
				q := *p
				q.Results = nil
				c.Payload = &q
			}
		}
		return c
	}
	return reflect.DeepEqual(norm(a), norm(b))
}

// The journal decoder reads binary records only (docs/operations.md, "Journal formats").
func TestDecodeCommand(t *testing.T) {
	w := newWorld(t)
	a, core := w.sme("", ""), w.core("AAA")
	id := w.receivable(a, core, 1000, 90)
	valid := []Command{
		{Actor: ActorSystem, Payload: &Tick{}},
		func() Command { c := w.submitCmd(core, 1000, 90); c.Actor = a; return c }(),
		func() Command { c := w.confirmCmd(id); c.Actor = core; c.IdemKey, c.IdemHash = "k", "h"; return c }(),
		func() Command {
			c := w.offerCmd(core, 100, 1, 2, 3)
			c.Actor, c.Payload.(*PostOffer).ClusterIDs = "par_9", []string{"clu_1"}
			return c
		}(),
		{Actor: ActorSystem, Payload: &RecordRegistrations{First: 1, Results: []RegResult{{Fingerprint: "0x01", Duplicate: true, ExistingRef: "0x02"}}}},
	}
	for _, c := range valid {
		in := mustEncode(t, c)
		got, err := DecodeCommand(in)
		if err != nil || !sameCommand(got, c) {
			t.Fatalf("DecodeCommand(%x) = %+v, %v; want %+v", in, got, err, c)
		}
	}
	// The JSON records of journals written before the binary format, well formed or
	// not, are refused, and the error names their format.
	tick := `{"kind":"tick","actor":"system"}`
	list := `"list":{"receivable_id":"rcv_1","max_rate_bps":500}`
	refused := map[string]string{
		"unknown field":               `{"kind":"tick","actor":"system","extra":1}`,
		"unknown payload field":       `{"kind":"list","actor":"par_1",` + list[:len(list)-1] + `,"x":2}}`,
		"payload of another kind":     `{"kind":"confirm","actor":"par_1",` + list + `}`,
		"no payload":                  `{"kind":"list","actor":"par_1"}`,
		"two payloads":                `{"kind":"list","actor":"par_1",` + list + `,"cancel_offer":{"offer_id":"off_1"}}`,
		"tick with a payload":         `{"kind":"tick","actor":"system",` + list + `}`,
		"unknown kind":                `{"kind":"mint","actor":"system"}`,
		"no kind":                     `{"actor":"system"}`,
		"no actor":                    `{"kind":"tick"}`,
		"empty actor":                 `{"kind":"tick","actor":""}`,
		"trailing object":             tick + ` {}`,
		"trailing command":            tick + tick,
		"trailing junk":               tick + `x`,
		"trailing brace":              tick + `}`,
		"trailing bracket":            tick + `]`,
		"trailing comma":              tick + `,`,
		"wrong type":                  `{"kind":"list","actor":"par_1","list":{"receivable_id":"r","max_rate_bps":"500"}}`,
		"amount overflows int64":      `{"kind":"list","actor":"par_1","list":{"receivable_id":"r","max_rate_bps":9223372036854775808}}`,
		"fraction":                    `{"kind":"list","actor":"par_1","list":{"receivable_id":"r","max_rate_bps":1.5}}`,
		"array":                       `[` + tick + `]`,
		"null":                        `null`,
		"empty":                       ``,
		"truncated":                   tick[:20],
		"over the size limit":         `{"kind":"tick","actor":"system","idem_key":"` + strings.Repeat("k", maxCommandBytes) + `"}`,
		"payload null for its kind":   `{"kind":"list","actor":"par_1","list":null}`,
		"string where object belongs": `{"kind":"list","actor":"par_1","list":"x"}`,
	}
	for name, in := range refused {
		t.Run(name, func(t *testing.T) {
			if c, err := DecodeCommand([]byte(in)); err == nil {
				t.Fatalf("DecodeCommand(%.80s) = %+v, want refused", in, c)
			} else if e, ok := err.(*Error); !ok || e.Code != CodeValidation {
				t.Fatalf("DecodeCommand error %v, want validation_failed", err)
			} else if strings.HasPrefix(strings.TrimLeft(in, " \t\r\n"), "{") && len(in) <= maxCommandBytes && !strings.Contains(e.Detail, "JSON command record") {
				t.Fatalf("DecodeCommand error %q does not name the JSON format", e.Detail)
			}
			// ApplyRaw: the record takes its sequence and changes nothing.
			w.tb = t
			before, seq := w.hash(), w.seq+1
			r := w.m.ApplyRaw(seq, w.nowMs, []byte(in))
			w.seq = seq
			if r.Err == nil || r.Err.Code != CodeValidation || r.Seq != seq || w.m.AppliedSeq() != seq || w.hash() != before {
				t.Fatalf("ApplyRaw = %+v (applied %d), want validation_failed at %d and no change", r, w.m.AppliedSeq(), seq)
			}
		})
	}
}

// docs/api.md Conventions: "Idempotency-Key on any POST (keys are per caller, kept at least
// 24 hours): a retry with the same key and body returns the first response; the same
// key with another body is 409 idempotency_conflict."
func TestAPI_Idempotency(t *testing.T) {
	w := newWorld(t)
	a, b, core := w.sme("", ""), w.sme("", ""), w.core("AAA")
	keyed := func(c Command, key, hash string) Command { c.IdemKey, c.IdemHash = key, hash; return c }
	cmd := keyed(w.submitCmd(core, 1000, 90), "k1", "h1")
	first := w.must(w.as(a, cmd))
	after := w.hash()
	again := w.must(w.as(a, cmd))
	if !again.Replayed || first.Replayed || again.Receivable.ID != first.Receivable.ID || w.hash() != after {
		t.Fatalf("retry = %+v, want the first result replayed and one effect", again)
	}
	if n := w.m.s.Counters.Receivable; n != 1 {
		t.Fatalf("%d receivables after a retry, want 1", n)
	}
	// The same key, another body.
	other := keyed(w.submitCmd(core, 2000, 90), "k1", "h2")
	w.wantCode(w.as(a, other), CodeIdempotencyConflict, w.hash())
	// Keys are per caller: b's k1 is another key.
	if r := w.must(w.as(b, cmd)); r.Replayed || r.Receivable.ID == first.Receivable.ID || r.Receivable.HolderID != b {
		t.Fatalf("b's k1 = %+v, want its own receivable", r)
	}
	// A refused command is remembered too: its retry gets the same
	// refusal, and the key used again with another body is a conflict — a corrected
	// request takes a new key. The refusal changes nothing but the key's record.
	bad := keyed(w.submitCmd(core, 0, 90), "k2", "bad")
	before := businessHash(w.m)
	if r := w.as(a, bad); r.Err == nil || r.Err.Code != CodeValidation || r.Replayed {
		t.Fatalf("bad request = %+v, want validation_failed", r)
	}
	if r := w.as(a, bad); r.Err == nil || r.Err.Code != CodeValidation || !r.Replayed {
		t.Fatalf("bad request retried = %+v, want validation_failed replayed", r)
	}
	if businessHash(w.m) != before {
		t.Fatal("a refused command changed more than its idempotency record")
	}
	fixed := keyed(w.submitCmd(core, 10, 90), "k2", "good")
	w.wantCode(w.as(a, fixed), CodeIdempotencyConflict, w.hash())
	w.must(w.as(a, keyed(w.submitCmd(core, 10, 90), "k3", "good")))
	// Kept 24 hours: a Tick just before keeps it, a Tick at 24 hours drops it.
	w.nowMs += DefaultIdemRetentionMs - 1
	w.must(w.tick())
	w.wantCode(w.as(a, other), CodeIdempotencyConflict, w.hash())
	w.nowMs++
	w.must(w.tick())
	if r := w.must(w.as(a, other)); r.Replayed || r.Receivable.AmountFen != 2000 {
		t.Fatalf("k1 after 24 h = %+v, want a new receivable", r)
	}
	// Replays survive a snapshot.
	snap, _ := w.m.Snapshot()
	m, err := Restore(DefaultConfig(), snap)
	if err != nil {
		t.Fatal(err)
	}
	w.m = m
	if r := w.must(w.as(a, other)); !r.Replayed {
		t.Fatalf("retry after restore = %+v, want replayed", r)
	}
}

// fuzzWorld is a world with something of everything, and commands that act on it.
func fuzzWorld(tb testing.TB) (*world, []Command) {
	w := newWorld(tb)
	cl := w.cluster(LevelNational)
	a, b, core, l := w.sme(cl, "specialized"), w.sme("", ""), w.core("AAA"), w.lender()
	pending := w.receivable(a, core, 1000, 90)
	fin := w.financeable(a, core, 1_000_000, 90)
	fin2 := w.financeable(a, core, 100_000, 90)
	frag := w.transfer(w.financeable(a, core, 2_000_000, 120), b, 500_000)
	w.anchor()
	o := w.offer(l, core, 1_500_000, 300, 400, 500)
	mt := w.list(fin, 10_000).Match
	resting := w.list(w.financeable(a, core, 100_000, 90), 1).Listing
	w.transfer(fin2, b, 10) // leaves a transfer leaf to anchor
	first, leaves := w.m.PendingLeaves(MaxAnchorBatch)
	part, _ := w.participantCmd(RoleSME)
	as := func(actor string, c Command) Command { c.Actor = actor; return c }
	return w, []Command{
		as(ActorSystem, Command{Payload: &Tick{}}),
		as(core, w.confirmCmd(pending)),
		as(a, w.submitCmd(core, 5000, 60)),
		as(a, w.transferCmd(fin2, b, 100, salt(1))),
		as(a, listCmd(w.rcv(frag).ParentID, 9000)),
		as(b, listCmd(frag, 9000)),
		as(l, fundCmd(mt.ID)),
		as(core, settleCmd(w.rcv(frag).RootID)),
		as(l, Command{Payload: &CancelOffer{OfferID: o}}),
		as(a, Command{Payload: &CancelListing{ListingID: resting.ID}}),
		as(l, w.offerCmd(core, 3_000_000, 200, 300, 0)),
		as(ActorSystem, w.anchorCmd(first, leaves)),
		as(ActorSystem, Command{Payload: &CutBatch{FirstLeaf: first, Count: len(leaves)}}),
		as(ActorOperator, Command{Payload: &part}),
		as(ActorOperator, Command{Payload: &CreateCluster{Name: "n", CountyCode: "110000", Level: "provincial", Industry: "i", ValidUntil: "2030-01-01"}}),
		// Servicing (docs/api.md): each kind once.
		as(core, Command{Payload: &RejectReceivable{ReceivableID: pending, Reason: "退货"}}),
		as(core, Command{Payload: &IssueCreditNote{ReceivableID: fin2, Amount: 50, Reason: "退货", Salt: salt(7).Hex(),
			Signature: w.sign(core, eip712.CreditNoteDigest(w.domain(), CreditNoteOf(w.rcv(fin2), 50, "退货", salt(7))))}}),
		as(core, Command{Payload: &RecordPayment{ReceivableID: fin2, Amount: 10, Reference: "PAY"}}),
		as(core, Command{Payload: &RecordPayment{ReceivableID: fin, MatchID: mt.ID, Amount: 10, Reference: "PAY"}}),
		as(l, Command{Payload: &ConfirmRepayment{MatchID: mt.ID, Amount: 10, Reference: "RCPT"}}),
		as(l, Command{Payload: &ExerciseRecourse{MatchID: mt.ID, Reason: "r"}}),
		as(l, Command{Payload: &WriteOff{MatchID: mt.ID, Reason: "r"}}),
		as(ActorOperator, Command{Payload: &UpdateParticipant{ParticipantID: core, Rating: "AA", Reason: "r"}}),
		as(l, func() Command {
			c := w.offerCmd(core, 3_000_000, 200, 300, 0)
			c.Payload.(*PostOffer).LateRateBps = 1800
			return c
		}()),
	}
}

// FuzzDecodeCommand: DecodeCommand never panics; what it accepts re-encodes and decodes
// to the same command; and ApplyRaw of any record, on a fresh world and on a populated
// one, never panics, changes nothing when it refuses, and keeps docs/matching.md §5.
func FuzzDecodeCommand(f *testing.F) {
	base, cmds := fuzzWorld(f)
	snap, err := base.m.Snapshot()
	if err != nil {
		f.Fatal(err)
	}
	for _, c := range cmds {
		f.Add(mustEncode(f, c))
	}
	for _, junk := range []string{"", "{", "null", "[]", `{"kind":"tick","actor":"system"}}`,
		`{"kind":"tick","actor":"system","tick":{}}`, `{"kind":"list","actor":"par_1","list":{"receivable_id":"rcv_2","max_rate_bps":-9223372036854775808}}`,
		"\xff\xfe{\"kind\":\"tick\"}", `{"KIND":"tick","Actor":"system"}`} {
		f.Add([]byte(junk))
	}
	// Records one mutation away from valid ones: truncated, a byte appended, a second
	// payload appended.
	for _, c := range cmds {
		b := mustEncode(f, c)
		f.Add(b[:len(b)-1])
		f.Add(append(bytes.Clone(b), 0))
		f.Add(append(bytes.Clone(b), tagCancelOffer, 0))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if c, err := DecodeCommand(data); err == nil {
			enc := mustEncode(t, c)
			if data[0] == binaryMagic && !bytes.Equal(enc, data) {
				t.Fatalf("binary record %x decodes but re-encodes as %x: two encodings of one command", data, enc)
			}
			c2, err := DecodeCommand(enc)
			if err != nil {
				t.Fatalf("re-encoded %s does not decode: %v", enc, err)
			}
			if !sameCommand(c, c2) || !bytes.Equal(enc, mustEncode(t, c2)) {
				t.Fatalf("round trip: %+v became %+v", c, c2)
			}
		}
		for _, open := range []func() *Matcher{func() *Matcher { return newWorld(t).m }, func() *Matcher { return restoreOrFail(t, snap) }} {
			m := open()
			before := m.StateHash()
			c, decodeErr := DecodeCommand(data)
			key := idemRecordKey(c.Actor, c.IdemKey)
			_, keyUsed := m.s.Idem[key]
			r := m.ApplyRaw(m.AppliedSeq()+1, m.NowMs(), data)
			if r.Err != nil {
				// A refusal changes nothing but, under a key not used yet, the
				// idempotency record that answers its retries (matcher.go, apply).
				want := before
				if decodeErr == nil && c.IdemKey != "" && !keyUsed && r.Err.Code != CodeUnavailable {
					twin := open()
					twin.remember(c.Actor, key, c.IdemHash, Result{Err: r.Err})
					want = twin.StateHash()
				}
				if m.StateHash() != want {
					t.Fatalf("refused record (%v) changed the state", r.Err)
				}
			}
			if err := m.CheckInvariants(); err != nil {
				t.Fatalf("CheckInvariants after ApplyRaw(%q) = %v", data, err)
			}
		}
	})
}

func restoreOrFail(t *testing.T, snap []byte) *Matcher {
	m, err := Restore(DefaultConfig(), snap)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// snapshotScenario is a run of commands that touches every table: participants,
// receivables and fragments, both ledger queues, offers, listings, matches, funding,
// settlement, maturity and idempotency records. Its participants have keys derived
// from names, so two worlds fed the same steps reach the same state.
func snapshotScenario() []func(w *world, ids map[string]string) {
	return []func(w *world, ids map[string]string){
		func(w *world, ids map[string]string) {
			ids["cl"] = w.cluster(LevelNational)
			ids["a"] = w.detParticipant(CreateParticipant{Role: "sme", ClusterID: ids["cl"], Certification: "specialized", CertificationValidUntil: w.date(400)}, "a")
			ids["b"] = w.detParticipant(CreateParticipant{Role: "sme"}, "b")
			ids["core"] = w.detParticipant(CreateParticipant{Role: "core", Rating: "AAA"}, "core")
			ids["l"] = w.lender()
		},
		func(w *world, ids map[string]string) { ids["r1"] = w.financeable(ids["a"], ids["core"], 3_000_000, 60) },
		func(w *world, ids map[string]string) { ids["r2"] = w.financeable(ids["a"], ids["core"], 1_000_000, 20) },
		func(w *world, ids map[string]string) { ids["f1"] = w.transfer(ids["r1"], ids["b"], 1_000_000) },
		func(w *world, ids map[string]string) {
			ids["pend"] = w.receivable(ids["a"], ids["core"], 5000, 90)
			w.confirm(ids["pend"]) // registration and anchor stay pending for a while
		},
		func(w *world, ids map[string]string) { w.list(ids["r2"], 10_000) }, // rests
		func(w *world, ids map[string]string) {
			c := w.offerCmd(ids["core"], 2_500_000, 300, 350, 400)
			c.IdemKey, c.IdemHash = "offer-1", "h1"
			ids["o"] = w.must(w.as(ids["l"], c)).Offer.ID // serves r2
		},
		func(w *world, ids map[string]string) { w.settleLedger() }, // f1 and pend
		func(w *world, ids map[string]string) {
			c := w.offerCmd(ids["core"], 2_500_000, 300, 350, 400)
			c.IdemKey, c.IdemHash = "offer-1", "h1"
			if r := w.must(w.as(ids["l"], c)); !r.Replayed || r.Offer.ID != ids["o"] {
				w.tb.Fatalf("retry of offer-1 = %+v, want the first offer replayed", r)
			}
		},
		func(w *world, ids map[string]string) { ids["m1"] = w.list(ids["f1"], 10_000).Match.ID },
		func(w *world, ids map[string]string) { w.fund(ids["m1"]) },
		func(w *world, ids map[string]string) { w.passDays(10) }, // idempotency records expire
		func(w *world, ids map[string]string) { w.passDays(14) }, // r2 past due + grace: overdue
		func(w *world, ids map[string]string) { w.passDays(2) },  // a second tick: no second default
		func(w *world, ids map[string]string) { w.must(w.as(ids["core"], settleCmd(ids["r1"]))) },
		func(w *world, ids map[string]string) { w.anchor() },
		func(w *world, ids map[string]string) { ids["r3"] = w.financeable(ids["b"], ids["core"], 10_000, 90) },
	}
}

// docs/matching.md §5: "replaying the journal (from empty, or from any snapshot) gives the
// same StateHash"; a restored matcher passes CheckInvariants, and a Tick after a
// restore does not count a default twice.
func TestDesign7_SnapshotRestoreAnywhere(t *testing.T) {
	steps := snapshotScenario()
	run := func(t *testing.T, restoreAt int) (*world, map[string]string) {
		w, ids := newWorld(t), map[string]string{}
		for i, step := range steps {
			if i == restoreAt {
				snap, err := w.m.Snapshot()
				if err != nil {
					t.Fatal(err)
				}
				before := w.hash()
				m, err := Restore(DefaultConfig(), snap)
				if err != nil {
					t.Fatalf("Restore: %v", err)
				}
				if m.StateHash() != before || m.AppliedSeq() != w.m.AppliedSeq() || m.NowMs() != w.m.NowMs() {
					t.Fatalf("restored at step %d: hash, seq or clock differ", i)
				}
				w.m = m
				w.checkInvariants()
			}
			step(w, ids)
			w.checkInvariants()
		}
		return w, ids
	}
	ref, ids := run(t, -1)
	want := ref.hash()
	if d := ref.m.s.Participants.get(ids["core"]); d.Defaulted != 1 || d.Settled != 1 {
		t.Fatalf("core defaulted %d settled %d, want 1 and 1", d.Defaulted, d.Settled)
	}
	if ref.rcv(ids["r2"]).Status != StatusOverdue || len(ref.m.s.Idem) != 0 {
		t.Fatalf("r2 %s, %d idempotency records", ref.rcv(ids["r2"]).Status, len(ref.m.s.Idem))
	}
	for k := 0; k <= len(steps); k++ {
		t.Run(fmt.Sprintf("restore before step %d", k), func(t *testing.T) {
			w, ids := run(t, k)
			if d := w.m.s.Participants.get(ids["core"]).Defaulted; d != 1 {
				t.Fatalf("restored before step %d: core defaulted %d times, want 1", k, d)
			}
			if w.hash() != want {
				t.Fatalf("restoring before step %d gives another state than never restoring", k)
			}
		})
	}
}

// Restore refuses what is not a snapshot of this version.
func TestDesign7_RestoreRefusesDamage(t *testing.T) {
	w := newWorld(t)
	snap, _ := w.m.Snapshot()
	for name, b := range map[string][]byte{
		"garbage":        []byte("not json"),
		"other version":  []byte(strings.Replace(string(snap), `"version":1`, `"version":2`, 1)),
		"no state":       []byte(`{"version":1,"applied_seq":1,"now_ms":1}`),
		"missing tables": []byte(`{"version":1,"state":{"clusters":{}}}`),
	} {
		if _, err := Restore(DefaultConfig(), b); err == nil {
			t.Errorf("Restore(%s) accepted", name)
		}
	}
}
