// SPDX-License-Identifier: Apache-2.0

package client

import (
	"context"
	"net/http"
	"net/url"

	"github.com/scfx/scfx/api/wire"
)

// Webhooks (docs/api.md, "Webhooks"). A receiver checks each delivery's
// Scfx-Signature with webhook.Verify and the secret RegisterWebhook returned.

// RegisterWebhook is POST /v1/webhooks: the caller's events are POSTed to in.URL.
// The answer's Secret is shown this once.
func (c *Client) RegisterWebhook(ctx context.Context, in wire.WebhookRequest) (*wire.Webhook, error) {
	return send[wire.Webhook](c, ctx, http.MethodPost, "/v1/webhooks", in)
}

// Webhooks is GET /v1/webhooks: the caller's (the operator: every one), never a secret.
func (c *Client) Webhooks(ctx context.Context, o ListOptions) (*wire.Page[wire.Webhook], error) {
	return get[wire.Page[wire.Webhook]](c, ctx, "/v1/webhooks"+o.query(url.Values{}))
}

// Webhook is GET /v1/webhooks/{id}: with its checkpointed cursor and lag.
func (c *Client) Webhook(ctx context.Context, id string) (*wire.Webhook, error) {
	return get[wire.Webhook](c, ctx, "/v1/webhooks/"+esc(id))
}

// DeleteWebhook is DELETE /v1/webhooks/{id}.
func (c *Client) DeleteWebhook(ctx context.Context, id string) (*wire.Webhook, error) {
	return send[wire.Webhook](c, ctx, http.MethodDelete, "/v1/webhooks/"+esc(id), nil)
}

// WebhookDeliveries is GET /v1/webhooks/{id}/deliveries: the most recent deliveries,
// newest first, as the deliverer knows them (Deliverer false: the replica that
// answered is not the deliverer and has none to show).
func (c *Client) WebhookDeliveries(ctx context.Context, id string, limit int) (*wire.WebhookDeliveries, error) {
	return get[wire.WebhookDeliveries](c, ctx, "/v1/webhooks/"+esc(id)+"/deliveries"+ListOptions{Limit: limit}.query(url.Values{}))
}
