// SPDX-License-Identifier: Apache-2.0

package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/webhook"
)

var testWebhookKey = []byte("0123456789abcdef0123456789abcdef")

func withWebhookKey() envOption {
	return withAPIConfig(func(c *Config) { c.WebhookKey = testWebhookKey })
}

// TestWebhookRegistration: a participant registers, lists, reads and deletes its
// webhooks; the secret is shown once and is the one derived from the key; bad
// registrations answer problem+json and change nothing; nobody else sees them.
func TestWebhookRegistration(t *testing.T) {
	e := newTestEnv(t, withWebhookKey())
	sme, lender := e.sme("", ""), e.lender()
	var w wire.Webhook
	e.postJSON(sme.Token, "/v1/webhooks", wire.WebhookRequest{URL: "https://erp.example/scfx", Description: "ERP"}, http.StatusCreated, &w)
	if w.ID == "" || w.ParticipantID != sme.ID || w.URL != "https://erp.example/scfx" || w.SecretShown == nil || !*w.SecretShown || w.Cursor != nil {
		t.Fatalf("registered %+v", w)
	}
	var stored *matcher.Webhook
	e.view(func(m *matcher.Matcher) { stored, _ = m.Webhook(sme.ID, w.ID) })
	if !strings.HasPrefix(w.Secret, "whsec_") || w.Secret != webhook.Secret(testWebhookKey, stored) {
		t.Fatalf("secret %q is not the one derived from the key", w.Secret)
	}
	if stored.KeyID != webhook.KeyID(testWebhookKey) {
		t.Fatalf("key id %s, want %s", stored.KeyID, webhook.KeyID(testWebhookKey))
	}
	// The journal holds no secret: an auditor reading the log cannot see it.
	var entries wire.LogEntries
	e.getJSON(e.Admin.Token, "/v1/log/entries?from=1", &entries)
	for _, en := range entries.Entries {
		if strings.Contains(string(en.Data), strings.TrimPrefix(w.Secret, "whsec_")) {
			t.Fatalf("entry %d holds the secret", en.Seq)
		}
	}
	// Reads never show the secret.
	var got wire.Webhook
	e.getJSON(sme.Token, "/v1/webhooks/"+w.ID, &got)
	if got.Secret != "" || got.SecretShown != nil || got.ID != w.ID {
		t.Fatalf("GET = %+v", got)
	}
	var list page[wire.Webhook]
	e.getJSON(sme.Token, "/v1/webhooks", &list)
	if len(list.Items) != 1 || list.Items[0].Secret != "" {
		t.Fatalf("list = %+v", list)
	}
	var dl wire.WebhookDeliveries
	e.getJSON(sme.Token, "/v1/webhooks/"+w.ID+"/deliveries", &dl)
	if dl.Deliverer || len(dl.Items) != 0 || dl.Webhook.ID != w.ID {
		t.Fatalf("deliveries without a deliverer = %+v", dl)
	}
	// An idempotent replay does not show the secret again.
	r := e.do("POST", "/v1/webhooks", sme.Token, wire.WebhookRequest{URL: "http://127.0.0.1:9/hook"}, "Idempotency-Key", "wh-1")
	e.mustStatus(r, http.StatusCreated, nil)
	r = e.do("POST", "/v1/webhooks", sme.Token, wire.WebhookRequest{URL: "http://127.0.0.1:9/hook"}, "Idempotency-Key", "wh-1")
	var replay wire.Webhook
	e.mustStatus(r, http.StatusCreated, &replay)
	if replay.Secret != "" || replay.SecretShown == nil || *replay.SecretShown {
		t.Fatalf("replay = %+v, want no secret", replay)
	}

	// Bad registrations: problem+json, nothing changed.
	aud := e.auditor()
	var before [32]byte
	e.view(func(m *matcher.Matcher) { before = m.StateHash() })
	for _, url := range []string{
		"http://erp.example/scfx", "ftp://erp.example/", "https://erp.example/" + strings.Repeat("x", 2048), "not a url", "",
	} {
		p := e.wantProblem(e.post(sme.Token, "/v1/webhooks", wire.WebhookRequest{URL: url}), http.StatusBadRequest, matcher.CodeValidation)
		if len(p.Errors) == 0 || p.Errors[0].Field != "url" {
			t.Errorf("url %.40q: problem %+v, want field url", url, p)
		}
	}
	e.wantProblem(e.post(sme.Token, "/v1/webhooks", `{"url":"https://a.example/","secret":"mine"}`), http.StatusBadRequest, matcher.CodeValidation)
	e.wantProblem(e.post(e.Admin.Token, "/v1/webhooks", wire.WebhookRequest{URL: "https://a.example/"}), http.StatusForbidden, matcher.CodeForbidden)
	e.wantProblem(e.post(aud.Token, "/v1/webhooks", wire.WebhookRequest{URL: "https://a.example/"}), http.StatusForbidden, matcher.CodeForbidden)
	var after [32]byte
	e.view(func(m *matcher.Matcher) { after = m.StateHash() })
	if after != before {
		t.Fatal("a refused registration changed the state")
	}
	// A 6th webhook is refused.
	for i := 2; i < matcher.MaxWebhooksPerParticipant; i++ {
		e.postJSON(sme.Token, "/v1/webhooks", wire.WebhookRequest{URL: "https://erp.example/" + string(rune('a'+i))}, http.StatusCreated, nil)
	}
	e.wantProblem(e.post(sme.Token, "/v1/webhooks", wire.WebhookRequest{URL: "https://erp.example/6"}), http.StatusConflict, matcher.CodeInvalidState)

	// Another participant, an auditor: the webhook does not exist for them.
	e.wantProblem(e.get(lender.Token, "/v1/webhooks/"+w.ID), http.StatusNotFound, matcher.CodeNotFound)
	e.wantProblem(e.get(lender.Token, "/v1/webhooks/"+w.ID+"/deliveries"), http.StatusNotFound, matcher.CodeNotFound)
	e.wantProblem(e.del(lender.Token, "/v1/webhooks/"+w.ID), http.StatusNotFound, matcher.CodeNotFound)
	e.getJSON(lender.Token, "/v1/webhooks", &list)
	if len(list.Items) != 0 {
		t.Fatalf("another participant lists %+v", list.Items)
	}
	e.wantProblem(e.get(aud.Token, "/v1/webhooks"), http.StatusForbidden, matcher.CodeForbidden)
	e.wantProblem(e.get(aud.Token, "/v1/webhooks/"+w.ID), http.StatusForbidden, matcher.CodeForbidden)
	// The operator sees every one, a page at a time.
	e.getJSON(e.Admin.Token, "/v1/webhooks?limit=2", &list)
	if len(list.Items) != 2 || list.NextCursor == nil {
		t.Fatalf("operator's first page = %+v", list)
	}
	var rest page[wire.Webhook]
	e.getJSON(e.Admin.Token, "/v1/webhooks?limit=10&cursor="+*list.NextCursor, &rest)
	if len(rest.Items) != matcher.MaxWebhooksPerParticipant-2 || rest.Items[0].ID == list.Items[1].ID {
		t.Fatalf("operator's second page = %+v", rest)
	}
	// The owner deletes; then it is gone.
	var del wire.Webhook
	r = e.del(sme.Token, "/v1/webhooks/"+w.ID)
	e.mustStatus(r, http.StatusOK, &del)
	if !del.Deleted || del.ID != w.ID {
		t.Fatalf("delete = %+v", del)
	}
	e.wantProblem(e.get(sme.Token, "/v1/webhooks/"+w.ID), http.StatusNotFound, matcher.CodeNotFound)
}

// TestWebhookNoKey: a server without a webhook key registers none.
func TestWebhookNoKey(t *testing.T) {
	e := newTestEnv(t)
	sme := e.sme("", "")
	e.wantProblem(e.post(sme.Token, "/v1/webhooks", wire.WebhookRequest{URL: "https://erp.example/"}), http.StatusServiceUnavailable, matcher.CodeUnavailable)
}
