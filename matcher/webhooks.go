// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Webhooks (docs/api.md "Webhooks"): a participant registers an HTTPS URL and the
// deliverer — the one replica that holds the anchor lease (package webhook) — POSTs
// each event of the participant's feed to it. Registrations and the delivery cursors
// are state, so every replica knows them and a new lease holder continues from the
// last checkpoint. The signing secret is not state and never in the journal: it is
// derived from the operator's webhook key and the registration's salt (package
// webhook, Secret), so auditors, who read the journal, never see it.

// Webhook is one registration. Cursor is the last event delivered or abandoned (a
// feed id, "<seq>-<idx>"), "" until the first checkpoint: delivery starts with the
// events after the registration's entry FromSeq.
type Webhook struct {
	ID          string `json:"id"` // wh_N
	OwnerID     string `json:"owner_id"`
	URL         string `json:"url"`
	Description string `json:"description,omitempty"`
	// Salt (hex, from crypto/rand in the API) and KeyID (the first 8 bytes of the
	// SHA-256 of the webhook key, hex) are what the secret is derived from and which
	// key: neither is secret.
	Salt         string `json:"salt"`
	KeyID        string `json:"key_id"`
	CreatedMs    int64  `json:"created_ms"`
	FromSeq      uint64 `json:"from_seq"`
	Cursor       string `json:"cursor,omitempty"`
	CheckpointMs int64  `json:"checkpoint_ms,omitempty"`
	Abandoned    uint64 `json:"abandoned,omitempty"` // events given up on, as checkpointed
}

// Limits of webhooks (docs/api.md "Webhooks").
const (
	MaxWebhooksPerParticipant = 5
	MaxWebhookURLBytes        = 2048
	MaxWebhookDescription     = 256
	// MaxWebhookCheckpoints bounds the cursors of one checkpoint entry.
	MaxWebhookCheckpoints = 1000
)

const prefixWebhook = "wh_"

// CheckWebhookURL checks a webhook URL: at most 2,048 bytes, absolute, https — or http
// to a loopback host (127.0.0.0/8, ::1, localhost), for tests — with a host, without
// user info or fragment. The API checks it before it journals the registration, and
// the matcher again as it applies it.
func CheckWebhookURL(s string) *Error {
	if len(s) > MaxWebhookURLBytes {
		return fieldErr("url", "must be at most %d bytes", MaxWebhookURLBytes)
	}
	u, err := url.Parse(s)
	if err != nil || !u.IsAbs() || u.Opaque != "" {
		return fieldErr("url", "must be an absolute https URL")
	}
	if u.User != nil || u.Fragment != "" || strings.ContainsAny(s, " \t\r\n") {
		return fieldErr("url", "must not hold user info, a fragment or spaces")
	}
	host := u.Hostname()
	if host == "" {
		return fieldErr("url", "must name a host")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fieldErr("url", "has a bad port")
		}
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if IsLoopbackHost(host) {
			return nil
		}
		return fieldErr("url", "must be https (plain http only to a loopback host, for tests)")
	}
	return fieldErr("url", "must be an https URL, not %q", u.Scheme)
}

// IsLoopbackHost: host is localhost or a loopback address (127.0.0.0/8, ::1).
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (m *Matcher) registerWebhook(actor string, c *RegisterWebhook) (Result, *Error) {
	p, err := m.ownParticipant(actor, c.ParticipantID)
	if err != nil {
		return Result{}, err
	}
	if e := CheckWebhookURL(c.URL); e != nil {
		return Result{}, e
	}
	if len(c.Description) > MaxWebhookDescription {
		return Result{}, fieldErr("description", "must be at most %d bytes", MaxWebhookDescription)
	}
	if len(c.Salt) != 64 || strings.ToLower(c.Salt) != c.Salt || !isHex(c.Salt) {
		return Result{}, fieldErr("salt", "must be 64 lower-case hex digits")
	}
	if len(c.KeyID) != 16 || strings.ToLower(c.KeyID) != c.KeyID || !isHex(c.KeyID) {
		return Result{}, fieldErr("key_id", "must be 16 lower-case hex digits")
	}
	if n := len(m.webhooksOf(p.ID)); n >= MaxWebhooksPerParticipant {
		return Result{}, errorf(CodeInvalidState, "participant %s has %d webhooks, the most it may have: delete one first", p.ID, n)
	}
	m.s.WebhookSeq++
	w := &Webhook{
		ID: makeID(prefixWebhook, m.s.WebhookSeq), OwnerID: p.ID, URL: c.URL, Description: c.Description,
		Salt: c.Salt, KeyID: c.KeyID, CreatedMs: m.nowMs, FromSeq: m.appliedSeq,
	}
	m.setWebhook(w)
	cp := *w
	return Result{Webhook: &cp}, nil
}

// ownWebhook is webhook id, which actor may manage: the operator any, a participant
// its own (another's does not exist for it).
func (m *Matcher) ownWebhook(actor, id string) (*Webhook, *Error) {
	w := m.s.Webhooks[id]
	if w == nil || (actor != ActorOperator && actor != w.OwnerID) {
		return nil, notFound("webhook", id)
	}
	return w, nil
}

func (m *Matcher) deleteWebhook(actor string, c *DeleteWebhook) (Result, *Error) {
	w, err := m.ownWebhook(actor, c.WebhookID)
	if err != nil {
		return Result{}, err
	}
	m.removeWebhook(w.ID)
	cp := *w
	return Result{Webhook: &cp}, nil
}

func (m *Matcher) checkpointWebhooks(actor string, c *CheckpointWebhooks) (Result, *Error) {
	if err := requireSystem(actor); err != nil {
		return Result{}, err
	}
	if len(c.Cursors) == 0 || len(c.Cursors) > MaxWebhookCheckpoints {
		return Result{}, fieldErr("cursors", "must hold 1 to %d cursors", MaxWebhookCheckpoints)
	}
	for _, cur := range c.Cursors {
		if cur.Idx > 1<<32-1 {
			return Result{}, fieldErr("cursors", "an event index is at most 32 bits")
		}
	}
	for _, cur := range c.Cursors {
		w := m.s.Webhooks[cur.WebhookID]
		if w == nil {
			continue // deleted since the deliverer read it
		}
		// A cursor only moves forward: a former deliverer that has not noticed it
		// lost the lease can only repeat what was delivered, never undo it.
		if w.Cursor != "" {
			seq, idx := parseCursor(w.Cursor)
			if cur.Seq < seq || cur.Seq == seq && cur.Idx <= idx {
				continue
			}
		} else if cur.Seq <= w.FromSeq {
			continue
		}
		nw := *w
		nw.Cursor = strconv.FormatUint(cur.Seq, 10) + "-" + strconv.FormatUint(cur.Idx, 10)
		nw.CheckpointMs = m.nowMs
		nw.Abandoned += cur.Abandoned
		m.setWebhook(&nw)
	}
	return Result{}, nil
}

// parseCursor reads a cursor the matcher wrote.
func parseCursor(s string) (seq, idx uint64) {
	a, b, _ := strings.Cut(s, "-")
	seq, _ = strconv.ParseUint(a, 10, 64)
	idx, _ = strconv.ParseUint(b, 10, 64)
	return seq, idx
}

// webhooksOf are a participant's webhooks, in id order.
func (m *Matcher) webhooksOf(owner string) []Webhook {
	var out []Webhook
	for _, w := range m.s.Webhooks {
		if w.OwnerID == owner {
			out = append(out, *w)
		}
	}
	sortWebhooks(out)
	return out
}

func sortWebhooks(ws []Webhook) {
	slices.SortFunc(ws, func(a, b Webhook) int {
		x, y := idNumber(prefixWebhook, a.ID), idNumber(prefixWebhook, b.ID)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	})
}

// Webhooks lists the webhooks actor may manage: a participant its own, the operator
// every one. Auditors see none (a webhook's URL is the participant's business).
func (m *Matcher) Webhooks(actor string) []Webhook {
	if actor == ActorOperator || actor == ActorSystem {
		return m.AllWebhooks()
	}
	if m.isAuditor(actor) {
		return nil
	}
	return m.webhooksOf(actor)
}

// Webhook is one webhook that actor may manage.
func (m *Matcher) Webhook(actor, id string) (*Webhook, *Error) {
	w, err := m.ownWebhook(actor, id)
	if err != nil {
		return nil, err
	}
	cp := *w
	return &cp, nil
}

// AllWebhooks is every webhook, in id order (the deliverer's list).
func (m *Matcher) AllWebhooks() []Webhook {
	out := make([]Webhook, 0, len(m.s.Webhooks))
	for _, w := range m.s.Webhooks {
		out = append(out, *w)
	}
	sortWebhooks(out)
	return out
}
