// SPDX-License-Identifier: Apache-2.0

package api

import (
	"reflect"
	"testing"

	"github.com/scfx/scfx/matcher"
)

// checkKeysFast must answer exactly as checkKeys does, or hand over (ok false).
func TestCheckKeysFastAgreesWithCheckKeys(t *testing.T) {
	offer := reflect.TypeOf(&matcher.PostOffer{})
	rcv := reflect.TypeOf(&matcher.SubmitReceivable{})
	for _, c := range []struct {
		typ  reflect.Type
		body string
	}{
		{rcv, `{"debtor_id":"par_1","invoice_number":"INV-00000001","amount":100,"currency":"CNY","issue_date":"2026-01-01","due_date":"2026-03-01"}`},
		{rcv, ` { "amount" : 1 , "currency" : "CNY" } `},
		{rcv, `{"Amount":1}`},
		{rcv, `{"amount":1,"amount":2}`},
		{rcv, `{"zz":{"a":[1,{"b":"}]"}]}}`},
		{rcv, `{"invoice_number":"a\"b","amount":1}`},
		{rcv, `{"\u0061mount":1}`},
		{rcv, `{}`},
		{offer, `{"core_id":"par_2","line_amount":5,"rates_bps":{"A":300,"B":null},"cluster_ids":["clu_1","clu_2"],"max_tenor_days":90}`},
		{offer, `{"rates_bps":{"A":300,"D":1}}`},
		{offer, `{"rates_bps":{"a":300}}`},
		{offer, `{"cluster_ids":[],"min_certification":"specialized"}`},
		{offer, `{"cluster_ids":null}`},
	} {
		fast, ok := checkKeysFast([]byte(c.body), c.typ)
		slow := checkKeys(keyDecoder([]byte(c.body)), c.typ, "")
		if !ok {
			continue // handed over to checkKeys, which then answers
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Errorf("%s: checkKeysFast = %v, checkKeys = %v", c.body, fast, slow)
		}
	}
	if _, ok := checkKeysFast([]byte(`{"\u0061mount":1}`), rcv); ok {
		t.Error("an escaped key must be handed to checkKeys")
	}
}
