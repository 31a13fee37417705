// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestQuoteReasonFormatsAsBefore: a reason kept as figures reads, and encodes in JSON,
// exactly as the sentence made at once; decoding gives the same figures back.
func TestQuoteReasonFormatsAsBefore(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 2))
	for i := 0; i < 20_000; i++ {
		o := &Offer{Rates: Rates{A: 1 + rng.Int64N(maxRateBps), B: rng.Int64N(maxRateBps + 1), C: rng.Int64N(maxRateBps + 1)}}
		score := rng.IntN(maxScore + 1)
		if rng.IntN(2) == 0 {
			base := 1 + rng.Int64N(maxRateBps)
			o.Curve = &RateCurve{BaseBps: base, BpsPer100Points: rng.Int64N(maxRateBps + 1), MaxBps: base + rng.Int64N(maxRateBps+1-base)}
		}
		tm := terms{score: score, band: Band(score)}
		rate, ok := quote(o, terms{score: score, band: tm.band, tenorDays: 30})
		if !ok {
			continue
		}
		q := quoteReason(o, tm, rate)
		want := formatQuoteReason(o, tm, rate)
		if q.text != nil || q.String() != want {
			t.Fatalf("reason %+v reads %q, want %q", q, q.String(), want)
		}
		got, err := json.Marshal(q)
		if wantJSON, _ := json.Marshal(want); err != nil || string(got) != string(wantJSON) {
			t.Fatalf("reason %q encodes as %s (%v)", want, got, err)
		}
		var back QuoteReason
		if err := json.Unmarshal(got, &back); err != nil || back != q {
			t.Fatalf("reason %q decodes as %+v (%v), want %+v", want, back, err, q)
		}
	}
}

// TestQuoteReasonKeepsOtherText: a decoded reason that is not exactly one of the two
// forms is kept as it was, and encodes back the same; none is omitted, as "" was.
func TestQuoteReasonKeepsOtherText(t *testing.T) {
	for _, s := range []string{
		"band A: 007 bps", "band A: 70000 bps", "band AB: 7 bps", "band A: 7 bps ", "band ", "band A",
		"score 850 on the curve: 300 bps at 1000 + 20 bps per 100 points below = 330",
		"score 850 on the curve: 300 bps at 1000 + 20 bps per 100 points below == 330 bps",
		"priced by hand <&>", "バンド A",
	} {
		b, _ := json.Marshal(s)
		var q QuoteReason
		if err := json.Unmarshal(b, &q); err != nil || q.kind != reasonNone || q.String() != s {
			t.Fatalf("%q decodes as %+v (%v)", s, q, err)
		}
		if got, err := json.Marshal(q); err != nil || string(got) != string(b) {
			t.Fatalf("%q encodes back as %s (%v), want %s", s, got, err, b)
		}
	}
	type wrap struct {
		Q QuoteReason `json:"quote_reason,omitzero"`
	}
	if b, _ := json.Marshal(wrap{}); string(b) != "{}" {
		t.Fatalf("no reason encodes as %s", b)
	}
	var w wrap
	if err := json.Unmarshal([]byte(`{"quote_reason":"band B: 12 bps"}`), &w); err != nil || w.Q.String() != "band B: 12 bps" || w.Q.kind != reasonBand {
		t.Fatalf("decoded %+v (%v)", w.Q, err)
	}
}

// TestIDNumberIsParseUint: the inline parse of an id's counter agrees with
// strconv.ParseUint (0 for anything it refuses).
func TestIDNumberIsParseUint(t *testing.T) {
	cases := []string{"", "1", "7", "007", "10", "18446744073709551615", "18446744073709551616", "99999999999999999999",
		"1a", "-1", "+1", " 1", "1_0", "0", "0x10", "12345678901234567890"}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 10_000; i++ {
		cases = append(cases, strconv.FormatUint(rng.Uint64()>>rng.UintN(64), 10))
	}
	for _, c := range cases {
		want, err := strconv.ParseUint(c, 10, 64)
		if err != nil {
			want = 0
		}
		if got := idNumber(prefixMatch, prefixMatch+c); got != want {
			t.Fatalf("idNumber(%q) = %d, want %d", prefixMatch+c, got, want)
		}
	}
	if idNumber(prefixMatch, prefixListing+"7") != 0 || idNumber(prefixMatch, "mat") != 0 {
		t.Fatal("an id of another prefix has a number")
	}
}
