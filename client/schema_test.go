// SPDX-License-Identifier: Apache-2.0

package client_test

import (
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/scfx/scfx/api/wire"
)

// TestWireTypesMatchOpenAPI: the JSON members of every request and answer type the
// client uses are exactly the properties of its schema in api/openapi.json, so the
// client and the contract cannot drift apart.
func TestWireTypesMatchOpenAPI(t *testing.T) {
	b, err := os.ReadFile("../api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	types := map[string]any{
		// requests
		"CreateClusterRequest": wire.CreateClusterRequest{}, "CreateParticipantRequest": wire.CreateParticipantRequest{},
		"ParticipantStatusRequest": wire.ParticipantStatusRequest{}, "IssueTokenRequest": wire.IssueTokenRequest{},
		"SubmitReceivableRequest": wire.SubmitReceivableRequest{}, "ConfirmRequest": wire.ConfirmRequest{},
		"TransferRequest": wire.TransferRequest{}, "ListRequest": wire.ListRequest{}, "ReferenceRequest": wire.ReferenceRequest{},
		"PostOfferRequest": wire.PostOfferRequest{}, "BookModeRequest": wire.BookModeRequest{}, "EmptyRequest": wire.EmptyRequest{},
		"RateCurve": wire.RateCurve{}, "ReasonRequest": wire.ReasonRequest{}, "CreditNoteRequest": wire.CreditNoteRequest{},
		"PaymentRequest": wire.PaymentRequest{}, "RepaymentRequest": wire.RepaymentRequest{},
		"ParticipantChangeRequest": wire.ParticipantChangeRequest{}, "WebhookRequest": wire.WebhookRequest{},
		// answers
		"Status": wire.Status{}, "Problem": wire.Problem{}, "FieldError": wire.FieldError{}, "Cluster": wire.Cluster{},
		"ParticipantCreated": wire.Participant{}, "Receivable": wire.Receivable{}, "ScoreComponent": wire.ScoreComponent{},
		"Confirmation": wire.Confirmation{}, "Anchor": wire.Anchor{}, "Listing": wire.Listing{}, "Match": wire.Match{},
		"ListingCreated": wire.ListingCreated{}, "Offer": wire.Offer{}, "Book": wire.Book{}, "BookListing": wire.BookListing{},
		"BookQuote": wire.BookQuote{}, "Auction": wire.Auction{}, "Proof": wire.Proof{},
		"SignedConfirmation": wire.SignedConfirmation{}, "SignedTransfer": wire.SignedTransfer{}, "Assignment": wire.Assignment{},
		"SignedCreditNote": wire.SignedCreditNote{}, "LineageHop": wire.LineageHop{},
		"Lineage": wire.Lineage{}, "Ledger": wire.Ledger{},
		"Node": wire.Node{}, "Token": wire.Token{}, "ClusterPage": wire.Page[wire.Cluster]{},
		"ParticipantPage": wire.Page[wire.Participant]{}, "ReceivablePage": wire.Page[wire.Receivable]{},
		"CreditNote": wire.CreditNote{}, "Allocation": wire.Allocation{}, "Payment": wire.Payment{},
		"Repayment": wire.Repayment{}, "ParticipantChange": wire.ParticipantChange{},
		"ParticipantChangePage": wire.Page[wire.ParticipantChange]{},
		"OfferPage":             wire.Page[wire.Offer]{}, "MatchPage": wire.Page[wire.Match]{}, "TokenPage": wire.Page[wire.Token]{},
		"LogHead": wire.LogHead{}, "AnchoredHead": wire.AnchoredHead{}, "LogEntry": wire.LogEntry{}, "LogEntries": wire.LogEntries{},
		"LogInclusion": wire.LogInclusion{}, "LogConsistency": wire.LogConsistency{},
		"Webhook": wire.Webhook{}, "WebhookLag": wire.WebhookLag{}, "WebhookPage": wire.Page[wire.Webhook]{},
		"WebhookDelivery": wire.WebhookDelivery{}, "WebhookDeliveries": wire.WebhookDeliveries{},
	}
	for name, v := range types {
		s, ok := doc.Components.Schemas[name]
		if !ok {
			t.Errorf("api/openapi.json has no schema %s", name)
			continue
		}
		var want []string
		for p := range s.Properties {
			want = append(want, p)
		}
		slices.Sort(want)
		if got := jsonMembers(reflect.TypeOf(v)); !slices.Equal(got, want) {
			t.Errorf("%T has JSON members %q, schema %s has %q", v, got, name, want)
		}
	}
}

// jsonMembers are the JSON names of t's fields, sorted.
func jsonMembers(t reflect.Type) []string {
	out := []string{}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if f.Anonymous && name == "" { // encoding/json lifts an embedded struct's members
			out = append(out, jsonMembers(f.Type)...)
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}
