// SPDX-License-Identifier: Apache-2.0

package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/feed"
	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/webhook"
)

// Webhooks (docs/api.md "Webhooks"): a participant registers URLs its events are
// POSTed to. Registrations are journal entries (every replica knows them); the
// deliveries are made by the one replica that holds the anchor lease (package
// webhook), and only it knows their attempts.

// lagCountMax bounds the events counted behind a webhook's cursor.
const lagCountMax = 1000

// webhookRoles may register and manage webhooks: participants with a feed of their
// own, and the operator (any participant's webhooks, not its own).
var participantRoles = []string{string(matcher.RoleSME), string(matcher.RoleCore), string(matcher.RoleLender)}

func (s *Server) viewWebhook(w *matcher.Webhook) wire.Webhook {
	v := wire.Webhook{
		ID: w.ID, ParticipantID: w.OwnerID, URL: w.URL, Description: w.Description, CreatedAt: instant(w.CreatedMs),
		Cursor: optString(w.Cursor), Abandoned: w.Abandoned, Lag: s.webhookLag(w),
	}
	if w.CheckpointMs != 0 {
		v.CheckpointAt = optString(instant(w.CheckpointMs))
	}
	return v
}

// webhookLag counts the owner's events after the webhook's checkpointed cursor.
func (s *Server) webhookLag(w *matcher.Webhook) wire.WebhookLag {
	if s.cfg.Feed == nil {
		return wire.WebhookLag{}
	}
	start := webhook.Start(w)
	evs, err := s.cfg.Feed.Read(w.OwnerID, &start, lagCountMax+1)
	if errors.Is(err, feed.ErrCursorExpired) {
		return wire.WebhookLag{More: true}
	}
	lag := wire.WebhookLag{Events: min(len(evs), lagCountMax), More: len(evs) > lagCountMax}
	if len(evs) > 0 {
		lag.OldestAt = optString(instant(evs[0].TimeMs))
	}
	return lag
}

func (s *Server) registerWebhook(c *gin.Context) {
	if !requireRole(c, participantRoles...) {
		return
	}
	var in wire.WebhookRequest
	req, ok := s.decode(c, &in)
	if !ok {
		return
	}
	key := s.cfg.WebhookKey
	if len(key) == 0 {
		fail(c, errf(matcher.CodeUnavailable, "this server has no webhook key (docs/operations.md, \"Webhooks\")"))
		return
	}
	if e := matcher.CheckWebhookURL(in.URL); e != nil {
		fail(c, e)
		return
	}
	salt := webhook.NewSalt()
	cmd := matcher.Command{Payload: &matcher.RegisterWebhook{
		ParticipantID: actorOf(c), URL: in.URL, Description: in.Description, Salt: salt, KeyID: webhook.KeyID(key),
	}}
	s.submit(c, req, cmd, http.StatusCreated, func(_ *matcher.Matcher, r matcher.Result) any {
		v := s.viewWebhook(r.Webhook)
		shown := !r.Replayed && r.Webhook.Salt == salt
		if shown {
			v.Secret = webhook.Secret(key, r.Webhook)
		}
		v.SecretShown = &shown
		return v
	})
}

func (s *Server) listWebhooks(c *gin.Context) {
	if !requireRole(c, append([]string{roleOperator}, participantRoles...)...) {
		return
	}
	cursor, limit, ok := listParams(c)
	if !ok {
		return
	}
	var ws []matcher.Webhook
	s.n.View(func(m *matcher.Matcher) { ws = m.Webhooks(actorOf(c)) })
	out := page[wire.Webhook]{Items: []wire.Webhook{}}
	for i := range ws {
		n, _ := strconv.ParseUint(strings.TrimPrefix(ws[i].ID, "wh_"), 10, 64)
		if n <= cursor {
			continue
		}
		if len(out.Items) == limit {
			next := strconv.FormatUint(cursor, 10)
			out.NextCursor = &next
			break
		}
		out.Items = append(out.Items, s.viewWebhook(&ws[i]))
		cursor = n
	}
	c.JSON(http.StatusOK, out)
}

// ownWebhook is the path's webhook if the caller may manage it (else it answered).
func (s *Server) ownWebhook(c *gin.Context) (*matcher.Webhook, bool) {
	if !requireRole(c, append([]string{roleOperator}, participantRoles...)...) {
		return nil, false
	}
	var w *matcher.Webhook
	var e *matcher.Error
	s.n.View(func(m *matcher.Matcher) { w, e = m.Webhook(actorOf(c), c.Param("id")) })
	if e != nil {
		fail(c, e)
		return nil, false
	}
	return w, true
}

func (s *Server) getWebhook(c *gin.Context) {
	if w, ok := s.ownWebhook(c); ok {
		c.JSON(http.StatusOK, s.viewWebhook(w))
	}
}

func (s *Server) deleteWebhook(c *gin.Context) {
	if _, ok := s.ownWebhook(c); !ok {
		return
	}
	req, ok := deleteRequest(c)
	if !ok {
		return
	}
	cmd := matcher.Command{Payload: &matcher.DeleteWebhook{WebhookID: c.Param("id")}}
	s.submit(c, req, cmd, http.StatusOK, func(_ *matcher.Matcher, r matcher.Result) any {
		v := s.viewWebhook(r.Webhook)
		v.Deleted = true
		return v
	})
}

// webhookDeliveries: the deliverer's record of the webhook's recent deliveries; on
// another replica, none (Deliverer false) beside the durable cursor.
func (s *Server) webhookDeliveries(c *gin.Context) {
	w, ok := s.ownWebhook(c)
	if !ok {
		return
	}
	_, limit, ok := listParams(c)
	if !ok {
		return
	}
	out := wire.WebhookDeliveries{Items: []wire.WebhookDelivery{}, Webhook: s.viewWebhook(w)}
	if s.cfg.WebhookDeliveries != nil {
		if items, here := s.cfg.WebhookDeliveries(w.ID, limit); here {
			out.Deliverer = true
			if items != nil {
				out.Items = items
			}
		}
	}
	c.JSON(http.StatusOK, out)
}
