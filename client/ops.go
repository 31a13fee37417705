// SPDX-License-Identifier: Apache-2.0

package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/scfx/scfx/api/wire"
)

// One method per operation of api/openapi.json, in its order. Path parameters are
// escaped; an id the server does not know is a *Problem with code not_found.

// ListOptions pick a page of a list: Cursor is a page's NextCursor ("" the first
// page), Limit its size (0: the server's default).
type ListOptions struct {
	Cursor string
	Limit  int
}

func (o ListOptions) query(q url.Values) string {
	if o.Cursor != "" {
		q.Set("cursor", o.Cursor)
	}
	if o.Limit > 0 {
		q.Set("limit", strconv.Itoa(o.Limit))
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

func esc(s string) string { return url.PathEscape(s) }

// get, send: do with a fresh answer of type T.
func get[T any](c *Client, ctx context.Context, path string) (*T, error) {
	var v T
	if err := c.do(ctx, http.MethodGet, path, nil, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

func send[T any](c *Client, ctx context.Context, method, path string, body any) (*T, error) {
	var v T
	if err := c.do(ctx, method, path, body, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// Health is GET /healthz: the process answers.
func (c *Client) Health(ctx context.Context) (*wire.Status, error) {
	return get[wire.Status](c, ctx, "/healthz")
}

// Ready is GET /readyz: the journal and the ledger are reachable (503 otherwise).
func (c *Client) Ready(ctx context.Context) (*wire.Status, error) {
	return get[wire.Status](c, ctx, "/readyz")
}

// CreateCluster is POST /v1/clusters (operator).
func (c *Client) CreateCluster(ctx context.Context, in wire.CreateClusterRequest) (*wire.Cluster, error) {
	return send[wire.Cluster](c, ctx, http.MethodPost, "/v1/clusters", in)
}

// Clusters is GET /v1/clusters.
func (c *Client) Clusters(ctx context.Context, o ListOptions) (*wire.Page[wire.Cluster], error) {
	return get[wire.Page[wire.Cluster]](c, ctx, "/v1/clusters"+o.query(url.Values{}))
}

// Cluster is GET /v1/clusters/{id}.
func (c *Client) Cluster(ctx context.Context, id string) (*wire.Cluster, error) {
	return get[wire.Cluster](c, ctx, "/v1/clusters/"+esc(id))
}

// CreateParticipant is POST /v1/participants (operator). The answer holds the new
// participant's token, once (Token; TokenShown false on a replay).
func (c *Client) CreateParticipant(ctx context.Context, in wire.CreateParticipantRequest) (*wire.Participant, error) {
	return send[wire.Participant](c, ctx, http.MethodPost, "/v1/participants", in)
}

// Participants is GET /v1/participants: those the caller may see.
func (c *Client) Participants(ctx context.Context, o ListOptions) (*wire.Page[wire.Participant], error) {
	return get[wire.Page[wire.Participant]](c, ctx, "/v1/participants"+o.query(url.Values{}))
}

// Directory is GET /v1/directory: every participant's id, name, role, address and
// status, of role ("" any), for any caller.
func (c *Client) Directory(ctx context.Context, role string, o ListOptions) (*wire.Page[wire.DirectoryEntry], error) {
	q := url.Values{}
	if role != "" {
		q.Set("role", role)
	}
	return get[wire.Page[wire.DirectoryEntry]](c, ctx, "/v1/directory"+o.query(q))
}

// Participant is GET /v1/participants/{id}.
func (c *Client) Participant(ctx context.Context, id string) (*wire.Participant, error) {
	return get[wire.Participant](c, ctx, "/v1/participants/"+esc(id))
}

// SetParticipantStatus is PATCH /v1/participants/{id} (operator): "active" or "suspended".
func (c *Client) SetParticipantStatus(ctx context.Context, id, status string) (*wire.Participant, error) {
	return send[wire.Participant](c, ctx, http.MethodPatch, "/v1/participants/"+esc(id), wire.ParticipantStatusRequest{Status: status})
}

// SubmitReceivable is POST /v1/receivables (an SME): an invoice on a core.
func (c *Client) SubmitReceivable(ctx context.Context, in wire.SubmitReceivableRequest) (*wire.Receivable, error) {
	return send[wire.Receivable](c, ctx, http.MethodPost, "/v1/receivables", in)
}

// Receivables is GET /v1/receivables: the caller's, of status ("" any).
func (c *Client) Receivables(ctx context.Context, status string, o ListOptions) (*wire.Page[wire.Receivable], error) {
	q := url.Values{}
	if status != "" {
		q.Set("status", status)
	}
	return get[wire.Page[wire.Receivable]](c, ctx, "/v1/receivables"+o.query(q))
}

// Listings is GET /v1/listings: the caller's resting listings (operator: all).
func (c *Client) Listings(ctx context.Context, o ListOptions) (*wire.Page[wire.Listing], error) {
	return get[wire.Page[wire.Listing]](c, ctx, "/v1/listings"+o.query(url.Values{}))
}

// Receivable is GET /v1/receivables/{id}.
func (c *Client) Receivable(ctx context.Context, id string) (*wire.Receivable, error) {
	return get[wire.Receivable](c, ctx, "/v1/receivables/"+esc(id))
}

// ConfirmationTypedData is GET /v1/receivables/{id}/typed-data: the EIP-712
// Confirmation the debtor core signs, as eth_signTypedData_v4 takes it.
func (c *Client) ConfirmationTypedData(ctx context.Context, id string) (json.RawMessage, error) {
	v, err := get[json.RawMessage](c, ctx, "/v1/receivables/"+esc(id)+"/typed-data")
	if err != nil {
		return nil, err
	}
	return *v, nil
}

// Confirm is POST /v1/receivables/{id}/confirm (the debtor core) with a signature
// made elsewhere; SignConfirmation makes it too.
func (c *Client) Confirm(ctx context.Context, id string, in wire.ConfirmRequest) (*wire.Receivable, error) {
	return send[wire.Receivable](c, ctx, http.MethodPost, "/v1/receivables/"+esc(id)+"/confirm", in)
}

// Transfer is POST /v1/receivables/{id}/transfers (the holder) with a signature
// made elsewhere; the answer is the new part. SignTransfer makes the signature too.
func (c *Client) Transfer(ctx context.Context, id string, in wire.TransferRequest) (*wire.Receivable, error) {
	return send[wire.Receivable](c, ctx, http.MethodPost, "/v1/receivables/"+esc(id)+"/transfers", in)
}

// TransferTypedData is GET /v1/receivables/{id}/transfers/typed-data: the EIP-712
// Transfer of amountFen to the SME toID the holder signs; salt is 0x and 32 bytes
// of hex, never reused by the holder.
func (c *Client) TransferTypedData(ctx context.Context, id, toID string, amountFen int64, salt string) (json.RawMessage, error) {
	q := url.Values{"to_id": {toID}, "amount": {strconv.FormatInt(amountFen, 10)}, "salt": {salt}}
	v, err := get[json.RawMessage](c, ctx, "/v1/receivables/"+esc(id)+"/transfers/typed-data?"+q.Encode())
	if err != nil {
		return nil, err
	}
	return *v, nil
}

// List is POST /v1/receivables/{id}/listings (the holder): sell at no more than
// in.MaxRateBps; the answer has the fills made at once.
func (c *Client) List(ctx context.Context, id string, in wire.ListRequest) (*wire.ListingCreated, error) {
	return send[wire.ListingCreated](c, ctx, http.MethodPost, "/v1/receivables/"+esc(id)+"/listings", in)
}

// Settle is POST /v1/receivables/{id}/settle (the debtor core): the invoice is
// paid; its parts, fills and lines are settled and released.
func (c *Client) Settle(ctx context.Context, id string, in wire.ReferenceRequest) (*wire.Receivable, error) {
	return send[wire.Receivable](c, ctx, http.MethodPost, "/v1/receivables/"+esc(id)+"/settle", in)
}

// Proof is GET /v1/receivables/{id}/proof: kind is "confirmation" (also ""),
// "transfer" or "assignment". Before the leaf is anchored it is a *Problem with
// status 409.
func (c *Client) Proof(ctx context.Context, id, kind string) (*wire.Proof, error) {
	path := "/v1/receivables/" + esc(id) + "/proof"
	if kind != "" {
		path += "?kind=" + url.QueryEscape(kind)
	}
	return get[wire.Proof](c, ctx, path)
}

// Lineage is GET /v1/receivables/{id}/lineage: every hop from the core's signed
// confirmation down to the receivable, each with its signed data and proof (check it
// with `scfx verify --lineage` or ledger.VerifyLineage). Before every hop is anchored
// it is a *Problem with status 409.
func (c *Client) Lineage(ctx context.Context, id string) (*wire.Lineage, error) {
	return get[wire.Lineage](c, ctx, "/v1/receivables/"+esc(id)+"/lineage")
}

// CancelListing is DELETE /v1/listings/{id} (the holder): what rests is withdrawn.
func (c *Client) CancelListing(ctx context.Context, id string) (*wire.Listing, error) {
	return send[wire.Listing](c, ctx, http.MethodDelete, "/v1/listings/"+esc(id), nil)
}

// Listing is GET /v1/listings/{id}.
func (c *Client) Listing(ctx context.Context, id string) (*wire.Listing, error) {
	return get[wire.Listing](c, ctx, "/v1/listings/"+esc(id))
}

// PostOffer is POST /v1/offers (a lender): a credit line on a core; the answer
// has the fills it made at once.
func (c *Client) PostOffer(ctx context.Context, in wire.PostOfferRequest) (*wire.Offer, error) {
	return send[wire.Offer](c, ctx, http.MethodPost, "/v1/offers", in)
}

// Offers is GET /v1/offers: the caller's.
func (c *Client) Offers(ctx context.Context, o ListOptions) (*wire.Page[wire.Offer], error) {
	return get[wire.Page[wire.Offer]](c, ctx, "/v1/offers"+o.query(url.Values{}))
}

// Offer is GET /v1/offers/{id}.
func (c *Client) Offer(ctx context.Context, id string) (*wire.Offer, error) {
	return get[wire.Offer](c, ctx, "/v1/offers/"+esc(id))
}

// CancelOffer is DELETE /v1/offers/{id} (the lender): what it reserved stays reserved.
func (c *Client) CancelOffer(ctx context.Context, id string) (*wire.Offer, error) {
	return send[wire.Offer](c, ctx, http.MethodDelete, "/v1/offers/"+esc(id), nil)
}

// Matches is GET /v1/matches: the caller's fills.
func (c *Client) Matches(ctx context.Context, o ListOptions) (*wire.Page[wire.Match], error) {
	return get[wire.Page[wire.Match]](c, ctx, "/v1/matches"+o.query(url.Values{}))
}

// Match is GET /v1/matches/{id}.
func (c *Client) Match(ctx context.Context, id string) (*wire.Match, error) {
	return get[wire.Match](c, ctx, "/v1/matches/"+esc(id))
}

// Fund is POST /v1/matches/{id}/fund (the lender): the advance is paid; the claim
// is assigned to the lender on the ledger.
func (c *Client) Fund(ctx context.Context, id string, in wire.ReferenceRequest) (*wire.Match, error) {
	return send[wire.Match](c, ctx, http.MethodPost, "/v1/matches/"+esc(id)+"/fund", in)
}

// Book is GET /v1/books/{core_id} (lenders, operator): at most limit resting
// listings (0: the server's default), anonymised, and the best quotes.
func (c *Client) Book(ctx context.Context, coreID string, limit int) (*wire.Book, error) {
	return get[wire.Book](c, ctx, "/v1/books/"+esc(coreID)+ListOptions{Limit: limit}.query(url.Values{}))
}

// SetBookMode is PATCH /v1/books/{core_id} (operator): "continuous" or "auction".
func (c *Client) SetBookMode(ctx context.Context, coreID, mode string) (*wire.Book, error) {
	return send[wire.Book](c, ctx, http.MethodPatch, "/v1/books/"+esc(coreID), wire.BookModeRequest{Mode: mode})
}

// ClearAuction is POST /v1/books/{core_id}/auctions (operator): a call auction now.
func (c *Client) ClearAuction(ctx context.Context, coreID string) (*wire.Auction, error) {
	return send[wire.Auction](c, ctx, http.MethodPost, "/v1/books/"+esc(coreID)+"/auctions", wire.EmptyRequest{})
}

// Ledger is GET /v1/ledger: the chain and registry the node anchors on.
func (c *Client) Ledger(ctx context.Context) (*wire.Ledger, error) {
	return get[wire.Ledger](c, ctx, "/v1/ledger")
}

// Node is GET /v1/node (operator): the answering replica's journal position.
func (c *Client) Node(ctx context.Context) (*wire.Node, error) {
	return get[wire.Node](c, ctx, "/v1/node")
}

// IssueToken is POST /v1/participants/{id}/tokens (the participant, the
// operator): a new token, shown once in the answer.
func (c *Client) IssueToken(ctx context.Context, participantID string, in wire.IssueTokenRequest) (*wire.Token, error) {
	return send[wire.Token](c, ctx, http.MethodPost, "/v1/participants/"+esc(participantID)+"/tokens", in)
}

// Tokens is GET /v1/participants/{id}/tokens: the live ones, never their secrets.
func (c *Client) Tokens(ctx context.Context, participantID string) (*wire.Page[wire.Token], error) {
	return get[wire.Page[wire.Token]](c, ctx, "/v1/participants/"+esc(participantID)+"/tokens")
}

// RevokeToken is DELETE /v1/participants/{id}/tokens/{token_id}.
func (c *Client) RevokeToken(ctx context.Context, participantID, tokenID string) (*wire.Token, error) {
	return send[wire.Token](c, ctx, http.MethodDelete, "/v1/participants/"+esc(participantID)+"/tokens/"+esc(tokenID), nil)
}

// EventOptions selects a read of the event feed: the events after After (an event
// id; "" from the oldest kept), at most Limit, waiting up to Wait (at most 25 s) for
// the next event when none is there yet.
type EventOptions struct {
	After string
	Limit int
	Wait  time.Duration
}

// Events is GET /v1/events: the caller's events after the cursor (docs/api.md
// "Events"). Pass the page's NextCursor as the next After. A cursor older than what
// the feed keeps is a *Problem with code cursor_expired (410).
func (c *Client) Events(ctx context.Context, o EventOptions) (*wire.Page[wire.Event], error) {
	q := url.Values{}
	if o.After != "" {
		q.Set("after", o.After)
	}
	if o.Wait > 0 {
		q.Set("wait", strconv.Itoa(int(o.Wait/time.Second)))
	}
	return get[wire.Page[wire.Event]](c, ctx, "/v1/events"+ListOptions{Limit: o.Limit}.query(q))
}

// LogHead is GET /v1/log/head (operator, auditor): the transparency log's size and
// root, and the heads anchored in batches from fromSize on (0: from the first).
func (c *Client) LogHead(ctx context.Context, fromSize uint64) (*wire.LogHead, error) {
	path := "/v1/log/head"
	if fromSize > 0 {
		path += "?from_size=" + strconv.FormatUint(fromSize, 10)
	}
	return get[wire.LogHead](c, ctx, path)
}

// LogEntries is GET /v1/log/entries (operator, auditor): entries from..to, at most
// a page's worth (Next says where the next page starts).
func (c *Client) LogEntries(ctx context.Context, from, to uint64) (*wire.LogEntries, error) {
	return get[wire.LogEntries](c, ctx, "/v1/log/entries?from="+strconv.FormatUint(from, 10)+"&to="+strconv.FormatUint(to, 10))
}

// LogInclusion is GET /v1/log/inclusion (operator, auditor): entry seq's leaf in the
// tree of size entries (0: the whole log).
func (c *Client) LogInclusion(ctx context.Context, seq, size uint64) (*wire.LogInclusion, error) {
	path := "/v1/log/inclusion?seq=" + strconv.FormatUint(seq, 10)
	if size > 0 {
		path += "&size=" + strconv.FormatUint(size, 10)
	}
	return get[wire.LogInclusion](c, ctx, path)
}

// LogConsistency is GET /v1/log/consistency (operator, auditor): the tree of old
// entries is a prefix of the tree of size entries.
func (c *Client) LogConsistency(ctx context.Context, old, size uint64) (*wire.LogConsistency, error) {
	return get[wire.LogConsistency](c, ctx, "/v1/log/consistency?old="+strconv.FormatUint(old, 10)+"&new="+strconv.FormatUint(size, 10))
}
