// SPDX-License-Identifier: Apache-2.0

package api

import (
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/matcher"
)

// slowDecode is the general way: decodeStrict, then checkIDs.
func slowDecode(b []byte) (matcher.SubmitReceivable, *matcher.Error) {
	var v matcher.SubmitReceivable
	e := decodeStrict(b, &v)
	if e == nil {
		e = checkIDs(&v)
	}
	return v, e
}

// fastDecodeBodies are bodies of every shape the fast path takes or hands over.
var fastDecodeBodies = []string{
	`{"debtor_id":"par_2","invoice_number":"INV-1","amount":100000,"currency":"CNY","issue_date":"2026-01-01","due_date":"2026-04-01"}`,
	" \t\r\n{ \"debtor_id\" : \"par_2\" ,\n\"amount\":\t-5 } \n",
	`{}`, `{ }`, ` {} `, `{"amount":0}`, `{"amount":-0}`, `{"amount":00}`, `{"amount":01}`, `{"amount":-}`,
	`{"amount":9223372036854775807}`, `{"amount":9223372036854775808}`, `{"amount":-9223372036854775808}`,
	`{"amount":-9223372036854775809}`, `{"amount":99999999999999999999}`, `{"amount":1.5}`, `{"amount":1e3}`,
	`{"amount":1E3}`, `{"amount":1.0}`, `{"amount":"1"}`, `{"amount":null}`, `{"amount":true}`, `{"amount":[1]}`,
	`{"debtor_id":5}`, `{"debtor_id":null}`, `{"debtor_id":"par_0"}`, `{"debtor_id":"PAR_2"}`, `{"debtor_id":""}`,
	`{"debtor_id":"par_2","debtor_id":"par_3"}`, `{"Amount":5}`, `{"amount":5,"x":1}`, `{"debtor_id":"p\u0061r_2"}`,
	`{"invoice_number":"\u00e9"}`, `{"invoice_number":"é"}`, `{"invoice_number":"a\"b"}`, `{"invoice_number":"a\\b"}`,
	`{"invoice_number":"a` + "\t" + `b"}`, `{"invoice_number":"<&>"}`, `{"invoice_number":"\ud800"}`,
	`{"amount":5}x`, `{"amount":5}{}`, `{"amount":5},`, `{"amount":5,}`, `{,"amount":5}`, `{"amount" 5}`,
	`{"amount":5`, `{"amount"`, `{"amo`, `{`, ``, ` `, `null`, `[]`, `"s"`, `5`, `{"amount":5 "currency":"CNY"}`,
	"\xef\xbb\xbf{}", `{"currency":"CNY` + "\x7f" + `"}`, `{"currency":"CN` + "\xff" + `"}`,
	`{"debtor_id":"par_2", "invoice_number":"INV", "amount": 12, "currency":"CNY", "issue_date":"x", "due_date":"y", "amount": 13}`,
}

// TestFastDecodeAgrees: decodeRequest (the one-pass decoder where it applies) gives
// what decodeStrict and checkIDs give — the value, or the same problem — on bodies
// of every shape, and on random mutations of them.
func TestFastDecodeAgrees(t *testing.T) {
	check := func(body string) {
		t.Helper()
		want, wantErr := slowDecode([]byte(body))
		var got matcher.SubmitReceivable
		gotErr := decodeRequest([]byte(body), &got)
		if !reflect.DeepEqual(gotErr, wantErr) {
			t.Fatalf("body %q: error %+v, the general decoder says %+v", body, gotErr, wantErr)
		}
		if wantErr == nil && got != want {
			t.Fatalf("body %q: decoded %+v, the general decoder %+v", body, got, want)
		}
	}
	for _, b := range fastDecodeBodies {
		check(b)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const alphabet = "{}[],:\"\\ 0123456789-.eEabcdefnrtu_\t\n\x7f\xc3\xa9"
	for i := 0; i < 20000; i++ {
		b := []byte(fastDecodeBodies[rng.IntN(len(fastDecodeBodies))])
		for n := 1 + rng.IntN(3); n > 0 && len(b) > 0; n-- {
			p := rng.IntN(len(b))
			switch rng.IntN(3) {
			case 0:
				b[p] = alphabet[rng.IntN(len(alphabet))]
			case 1:
				b = append(b[:p], b[p+1:]...)
			default:
				b = append(b[:p], append([]byte{alphabet[rng.IntN(len(alphabet))]}, b[p:]...)...)
			}
		}
		check(string(b))
	}
}

// TestFastDecodeTakesThePlainBody: the bench's body takes the fast path (if it did
// not, TestFastDecodeAgrees would pass with the fast path never used).
func TestFastDecodeTakesThePlainBody(t *testing.T) {
	var v matcher.SubmitReceivable
	if !decodeSubmitReceivableFast([]byte(fastDecodeBodies[0]), &v) {
		t.Fatal("the plain body was handed to the general decoder")
	}
	if v.Amount != 100000 || v.DebtorID != "par_2" || v.DueDate != "2026-04-01" {
		t.Fatalf("decoded %+v", v)
	}
	for _, b := range []string{`{"amount":1.5}`, `{"debtor_id":"p\u0061r_2"}`, `{"amount":5,"amount":5}`, `{"x":1}`, `{} x`} {
		if decodeSubmitReceivableFast([]byte(b), &v) {
			t.Errorf("%s: taken by the fast path", b)
		}
	}
}

// TestFastDecodeKnowsEveryField: the fast decoder names every JSON field of
// SubmitReceivable, and debtor_id is the only id among them (the fast path checks
// it itself instead of checkIDs). A field added to the struct fails this test
// until the fast path learns it.
func TestFastDecodeKnowsEveryField(t *testing.T) {
	var v matcher.SubmitReceivable
	fields := jsonFields(reflect.TypeOf(v))
	var parts []string
	for name, ft := range fields {
		switch ft.Kind() {
		case reflect.String:
			parts = append(parts, `"`+name+`":"x"`)
		case reflect.Int64:
			parts = append(parts, `"`+name+`":1`)
		default:
			t.Fatalf("field %s of kind %s: the fast decoder takes strings and int64 only", name, ft.Kind())
		}
		if (strings.HasSuffix(name, "_id") || strings.HasSuffix(name, "_ids")) && name != "debtor_id" {
			t.Errorf("field %s is an id the fast path does not check", name)
		}
	}
	body := "{" + strings.Join(parts, ",") + "}"
	if !decodeSubmitReceivableFast([]byte(body), &v) {
		t.Fatalf("%s: not taken by the fast path", body)
	}
}

// TestAppendReceivableKnowsEveryField: appendReceivableOf writes every field the
// struct has (a field added to wire.Receivable, or to what it holds, fails here until
// the encoder writes it; TestAppendReceivableOfIsMarshal compares values).
func TestAppendReceivableKnowsEveryField(t *testing.T) {
	for _, typ := range []reflect.Type{reflect.TypeOf(wire.Receivable{}), reflect.TypeOf(wire.ScoreComponent{}),
		reflect.TypeOf(wire.Confirmation{}), reflect.TypeOf(wire.Anchor{}), reflect.TypeOf(wire.CreditNote{}),
		reflect.TypeOf(wire.Allocation{}), reflect.TypeOf(wire.Payment{})} {
		want := map[string]int{
			"Receivable": 27, "ScoreComponent": 3, "Confirmation": 4, "Anchor": 6, "CreditNote": 7, "Allocation": 3, "Payment": 4,
		}[typ.Name()]
		if typ.NumField() != want {
			t.Errorf("wire.%s has %d fields, appendReceivableOf writes %d", typ.Name(), typ.NumField(), want)
		}
	}
}

// TestReadBodyByContentLength: a body of known length is read into one buffer of
// that length; one shorter than its Content-Length is 400 (net/http says so on a
// real connection; here the reader simply ends); one of unknown length is read up
// to the limit as before.
func TestReadBodyByContentLength(t *testing.T) {
	read := func(body string, length int64) ([]byte, *matcher.Error) {
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		c.Request.ContentLength = length
		return readBody(c)
	}
	if b, e := read(`{"a":1}`, 7); e != nil || string(b) != `{"a":1}` || cap(b) != 7 {
		t.Errorf("known length: %q (cap %d), %v", b, cap(b), e)
	}
	if _, e := read(`{}`, 10); e == nil || e.Code != matcher.CodeValidation || !strings.Contains(e.Detail, "unexpected EOF") {
		t.Errorf("short body: %+v, want validation_failed, unexpected EOF", e)
	}
	if b, e := read(`{"a":1}`, -1); e != nil || string(b) != `{"a":1}` {
		t.Errorf("unknown length: %q, %v", b, e)
	}
	if _, e := read("", MaxBodyBytes+1); e == nil || e.Code != matcher.CodePayloadTooLarge {
		t.Errorf("declared above the limit: %+v, want payload_too_large", e)
	}
}

// TestFastDecodeAllocatesOnce: the one-pass decoder copies the body once and takes
// its strings from the copy (one allocation, not one per string field).
func TestFastDecodeAllocatesOnce(t *testing.T) {
	body := []byte(`{"debtor_id":"par_0000000000000002","invoice_number":"INV-00000001","amount":1250000,` +
		`"currency":"CNY","issue_date":"2026-01-05","due_date":"2026-04-05"}`)
	var p matcher.SubmitReceivable
	allocs := testing.AllocsPerRun(200, func() {
		p = matcher.SubmitReceivable{}
		if !decodeSubmitReceivableFast(body, &p) {
			t.Fatal("the plain body went the general way")
		}
	})
	if allocs > 1 {
		t.Fatalf("%.1f allocations per decode, want 1", allocs)
	}
	if p.DebtorID != "par_0000000000000002" || p.InvoiceNumber != "INV-00000001" || p.Amount != 1250000 ||
		p.Currency != "CNY" || p.IssueDate != "2026-01-05" || p.DueDate != "2026-04-05" {
		t.Fatalf("decoded %+v", p)
	}
}
