// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"fmt"
	"strings"
	"testing"
)

func init() {
	goldenCommands = append(goldenCommands,
		golden{"register_webhook", Command{Actor: "par_2", IdemKey: "k", IdemHash: "h", Payload: &RegisterWebhook{
			ParticipantID: "par_2", URL: "https://bank.example/hooks/scfx", Description: "ERP 回调",
			Salt: strings.Repeat("ab", 32), KeyID: "0123456789abcdef"}},
			"b11072656769737465725f776562686f6f6b057061725f32016b01683c057061725f321f68747470733a2f2f62616e6b2e6578616d706c652f686f6f6b732f736366780a45525020e59b9ee8b08340616261626162616261626162616261626162616261626162616261626162616261626162616261626162616261626162616261626162616261626162616261621030313233343536373839616263646566"},
		golden{"delete_webhook", Command{Actor: ActorOperator, Payload: &DeleteWebhook{WebhookID: "wh_3"}},
			"b10e64656c6574655f776562686f6f6b086f70657261746f7200003d0477685f33"},
		golden{"checkpoint_webhooks", Command{Actor: ActorSystem, Payload: &CheckpointWebhooks{Cursors: []WebhookCursor{
			{WebhookID: "wh_1", Seq: 300, Idx: 2}, {WebhookID: "wh_2", Seq: 1 << 40, Idx: 0, Abandoned: 7}}}},
			"b113636865636b706f696e745f776562686f6f6b730673797374656d00003e020477685f31ac0202000477685f328080808080200007"},
	)
}

func webhookSalt(n int) string { return fmt.Sprintf("%064x", n+1) }

const testKeyID = "00112233aabbccdd"

func registerCmd(pid, url string, n int) Command {
	return Command{Payload: &RegisterWebhook{ParticipantID: pid, URL: url, Salt: webhookSalt(n), KeyID: testKeyID}}
}

func TestWebhookRegisterListDelete(t *testing.T) {
	w := newWorld(t)
	a, b := w.sme("", ""), w.lender()
	r := w.must(w.as(a, registerCmd(a, "https://erp.example/hook", 0)))
	if r.Webhook == nil || r.Webhook.ID != "wh_1" || r.Webhook.OwnerID != a || r.Webhook.FromSeq != r.Seq || r.Webhook.Cursor != "" {
		t.Fatalf("register = %+v, want wh_1 of %s from seq %d", r.Webhook, a, r.Seq)
	}
	// The operator registers for a participant; b its own, over plain http to loopback.
	w.must(w.op(registerCmd(a, "http://127.0.0.1:8080/x", 1)))
	w.must(w.as(b, registerCmd(b, "http://[::1]:9/", 2)))
	w.must(w.as(b, registerCmd(b, "http://localhost/", 3)))
	if got := w.m.Webhooks(a); len(got) != 2 || got[0].ID != "wh_1" || got[1].ID != "wh_2" {
		t.Fatalf("Webhooks(a) = %+v", got)
	}
	if got := w.m.Webhooks(ActorOperator); len(got) != 4 {
		t.Fatalf("Webhooks(operator) = %d webhooks, want 4", len(got))
	}
	// Another participant can neither see, nor delete, nor register for a.
	if _, e := w.m.Webhook(b, "wh_1"); e == nil || e.Code != CodeNotFound {
		t.Fatalf("Webhook(b, a's) = %v, want not_found", e)
	}
	w.wantCode(w.as(b, Command{Payload: &DeleteWebhook{WebhookID: "wh_1"}}), CodeNotFound, w.hash())
	w.wantCode(w.as(b, registerCmd(a, "https://x.example/", 9)), CodeNotFound, w.hash())
	// An auditor sees none and may register nothing.
	aud := w.participant(CreateParticipant{Role: string(RoleAuditor)})
	if got := w.m.Webhooks(aud); len(got) != 0 {
		t.Fatalf("Webhooks(auditor) = %+v, want none", got)
	}
	w.wantCode(w.as(aud, registerCmd(aud, "https://x.example/", 9)), CodeForbidden, w.hash())
	// The owner deletes; the id is not reused.
	w.must(w.as(a, Command{Payload: &DeleteWebhook{WebhookID: "wh_1"}}))
	w.wantCode(w.as(a, Command{Payload: &DeleteWebhook{WebhookID: "wh_1"}}), CodeNotFound, w.hash())
	if r := w.must(w.as(a, registerCmd(a, "https://erp.example/hook2", 4))); r.Webhook.ID != "wh_5" {
		t.Fatalf("next id = %s, want wh_5", r.Webhook.ID)
	}
	w.checkInvariants()
}

func TestWebhookRefusals(t *testing.T) {
	w := newWorld(t)
	a := w.sme("", "")
	long := "https://x.example/" + strings.Repeat("a", MaxWebhookURLBytes)
	for _, url := range []string{
		"http://bank.example/hook", "http://10.0.0.1/", "ftp://bank.example/", "https://", "/relative",
		"https://user:pw@bank.example/", "https://bank.example/#frag", "bank.example", long, "https://bank.example:0/",
		"https://bank.example:99999/", "mailto:a@b.c", "http://127.0.0.1.example/",
	} {
		if e := CheckWebhookURL(url); e == nil || e.Code != CodeValidation {
			t.Errorf("CheckWebhookURL(%q) = %v, want validation_failed", url, e)
		}
		w.wantCode(w.as(a, registerCmd(a, url, 0)), CodeValidation, w.hash())
	}
	bad := registerCmd(a, "https://ok.example/", 0)
	bad.Payload.(*RegisterWebhook).Salt = "short"
	w.wantCode(w.as(a, bad), CodeValidation, w.hash())
	bad = registerCmd(a, "https://ok.example/", 0)
	bad.Payload.(*RegisterWebhook).KeyID = ""
	w.wantCode(w.as(a, bad), CodeValidation, w.hash())
	bad = registerCmd(a, "https://ok.example/", 0)
	bad.Payload.(*RegisterWebhook).Description = strings.Repeat("d", MaxWebhookDescription+1)
	w.wantCode(w.as(a, bad), CodeValidation, w.hash())
	for i := range MaxWebhooksPerParticipant {
		w.must(w.as(a, registerCmd(a, fmt.Sprintf("https://ok.example/%d", i), i)))
	}
	w.wantCode(w.as(a, registerCmd(a, "https://ok.example/6", 6)), CodeInvalidState, w.hash())
}

func TestWebhookCheckpoint(t *testing.T) {
	w := newWorld(t)
	a := w.sme("", "")
	r := w.must(w.as(a, registerCmd(a, "https://erp.example/hook", 0)))
	from := r.Webhook.FromSeq
	cp := func(cs ...WebhookCursor) Command { return Command{Payload: &CheckpointWebhooks{Cursors: cs}} }
	// Only the system checkpoints; an empty batch is refused.
	w.wantCode(w.as(a, cp(WebhookCursor{WebhookID: "wh_1", Seq: from + 1})), CodeForbidden, w.hash())
	w.wantCode(w.op(cp(WebhookCursor{WebhookID: "wh_1", Seq: from + 1})), CodeForbidden, w.hash())
	w.wantCode(w.sys(cp()), CodeValidation, w.hash())
	// A cursor at or before the registration moves nothing; one after it does.
	w.must(w.sys(cp(WebhookCursor{WebhookID: "wh_1", Seq: from, Idx: 3})))
	if got, _ := w.m.Webhook(a, "wh_1"); got.Cursor != "" {
		t.Fatalf("cursor = %q after a checkpoint at the registration, want none", got.Cursor)
	}
	w.must(w.sys(cp(WebhookCursor{WebhookID: "wh_1", Seq: from + 5, Idx: 2, Abandoned: 1}, WebhookCursor{WebhookID: "wh_9", Seq: 1})))
	got, _ := w.m.Webhook(a, "wh_1")
	if got.Cursor != fmt.Sprintf("%d-2", from+5) || got.Abandoned != 1 || got.CheckpointMs != w.nowMs {
		t.Fatalf("after a checkpoint: %+v", got)
	}
	// Never backwards (a former deliverer's late checkpoint), nor in place.
	w.must(w.sys(cp(WebhookCursor{WebhookID: "wh_1", Seq: from + 5, Idx: 1}, WebhookCursor{WebhookID: "wh_1", Seq: from + 5, Idx: 2, Abandoned: 4})))
	if got2, _ := w.m.Webhook(a, "wh_1"); *got2 != *got {
		t.Fatalf("a stale checkpoint moved the webhook: %+v, was %+v", got2, got)
	}
	w.must(w.sys(cp(WebhookCursor{WebhookID: "wh_1", Seq: from + 6, Idx: 0})))
	if got, _ := w.m.Webhook(a, "wh_1"); got.Cursor != fmt.Sprintf("%d-0", from+6) {
		t.Fatalf("cursor = %q, want %d-0", got.Cursor, from+6)
	}
	// The state survives a snapshot and restore.
	m2 := w.restored()
	if m2.StateHash() != w.m.StateHash() || len(m2.AllWebhooks()) != 1 {
		t.Fatal("restored matcher differs in its webhooks")
	}
	// Too many cursors in one entry.
	many := make([]WebhookCursor, MaxWebhookCheckpoints+1)
	for i := range many {
		many[i] = WebhookCursor{WebhookID: "wh_1", Seq: from + 7}
	}
	w.wantCode(w.sys(cp(many...)), CodeValidation, w.hash())
	w.wantCode(w.sys(cp(WebhookCursor{WebhookID: "wh_1", Seq: from + 7, Idx: 1 << 32})), CodeValidation, w.hash())
}
