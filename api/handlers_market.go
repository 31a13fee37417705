// SPDX-License-Identifier: Apache-2.0

package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/scfx/scfx/matcher"
)

type listingRequest struct {
	MaxRateBps int64 `json:"max_rate_bps"`
	MinFillFen int64 `json:"min_fill_fen"`
}

func (s *Server) list(c *gin.Context) {
	if !s.visibleTo(c, findReceivable) || !requireRole(c, string(matcher.RoleSME)) {
		return
	}
	var in listingRequest
	req, ok := s.decode(c, &in)
	if !ok {
		return
	}
	cmd := matcher.Command{Payload: &matcher.List{ReceivableID: c.Param("id"), MaxRateBps: in.MaxRateBps, MinFillFen: in.MinFillFen}}
	s.submit(c, req, cmd, http.StatusCreated, func(m *matcher.Matcher, r matcher.Result) any {
		out := listingResponse{Listing: viewListing(r.Listing), Matches: make([]matchView, len(r.Matches))}
		for i := range r.Matches {
			out.Matches[i] = viewMatch(&r.Matches[i], m.Today())
		}
		if len(out.Matches) > 0 {
			out.Match = &out.Matches[0]
		}
		return out
	})
}

func (s *Server) cancelListing(c *gin.Context) {
	if !s.visibleTo(c, findListing) || !requireRole(c, string(matcher.RoleSME)) {
		return
	}
	cmd := matcher.Command{Payload: &matcher.CancelListing{ListingID: c.Param("id")}}
	req, ok := deleteRequest(c)
	if !ok {
		return
	}
	s.submit(c, req, cmd, http.StatusOK, func(_ *matcher.Matcher, r matcher.Result) any { return viewListing(r.Listing) })
}

// deleteRequest takes the Idempotency-Key of a DELETE, which has no body.
func deleteRequest(c *gin.Context) (request, bool) {
	key, e := idempotencyKey(c)
	if e != nil {
		fail(c, e)
		return request{}, false
	}
	return request{idemKey: key, hash: requestHash(c, nil)}, true
}

func (s *Server) getListing(c *gin.Context) {
	s.view(c, func(m *matcher.Matcher) (any, *matcher.Error) {
		l, e := m.Listing(actorOf(c), c.Param("id"))
		if e != nil {
			return nil, e
		}
		return viewListing(l), nil
	})
}

func (s *Server) listListings(c *gin.Context) {
	cursor, limit, ok := listParams(c)
	if !ok {
		return
	}
	s.view(c, func(m *matcher.Matcher) (any, *matcher.Error) {
		return viewPage(m.Listings(actorOf(c), cursor, limit), func(l *matcher.Listing) listingView { return viewListing(l) }), nil
	})
}

func (s *Server) postOffer(c *gin.Context) {
	if !requireRole(c, string(matcher.RoleLender)) {
		return
	}
	var in matcher.PostOffer
	req, ok := s.decode(c, &in)
	if !ok {
		return
	}
	s.submit(c, req, matcher.Command{Payload: &in}, http.StatusCreated,
		func(m *matcher.Matcher, r matcher.Result) any { return viewOffer(r.Offer, r.Matches, m.Today()) })
}

func (s *Server) cancelOffer(c *gin.Context) {
	if !s.visibleTo(c, findOffer) || !requireRole(c, string(matcher.RoleLender)) {
		return
	}
	req, ok := deleteRequest(c)
	if !ok {
		return
	}
	cmd := matcher.Command{Payload: &matcher.CancelOffer{OfferID: c.Param("id")}}
	s.submit(c, req, cmd, http.StatusOK, func(m *matcher.Matcher, r matcher.Result) any { return viewOffer(r.Offer, nil, m.Today()) })
}

func (s *Server) getOffer(c *gin.Context) {
	s.view(c, func(m *matcher.Matcher) (any, *matcher.Error) {
		o, e := m.Offer(actorOf(c), c.Param("id"))
		if e != nil {
			return nil, e
		}
		return viewOffer(o, nil, m.Today()), nil
	})
}

func (s *Server) listOffers(c *gin.Context) {
	cursor, limit, ok := listParams(c)
	if !ok {
		return
	}
	s.view(c, func(m *matcher.Matcher) (any, *matcher.Error) {
		return viewPage(m.Offers(actorOf(c), cursor, limit), func(o *matcher.Offer) offerView { return viewOffer(o, nil, m.Today()) }), nil
	})
}

func (s *Server) getMatch(c *gin.Context) {
	s.view(c, func(m *matcher.Matcher) (any, *matcher.Error) {
		mt, e := m.Match(actorOf(c), c.Param("id"))
		if e != nil {
			return nil, e
		}
		return viewMatch(mt, m.Today()), nil
	})
}

func (s *Server) listMatches(c *gin.Context) {
	cursor, limit, ok := listParams(c)
	if !ok {
		return
	}
	s.view(c, func(m *matcher.Matcher) (any, *matcher.Error) {
		return viewPage(m.Matches(actorOf(c), cursor, limit), func(mt *matcher.Match) matchView { return viewMatch(mt, m.Today()) }), nil
	})
}

func (s *Server) fund(c *gin.Context) {
	if !s.visibleTo(c, findMatch) || !requireRole(c, string(matcher.RoleLender)) {
		return
	}
	var in referenceRequest
	req, ok := s.decode(c, &in)
	if !ok {
		return
	}
	cmd := matcher.Command{Payload: &matcher.Fund{MatchID: c.Param("id"), Reference: in.Reference}}
	s.submit(c, req, cmd, http.StatusOK, func(m *matcher.Matcher, r matcher.Result) any { return viewMatch(r.Match, m.Today()) })
}

func (s *Server) book(c *gin.Context) {
	if !requireRole(c, string(matcher.RoleLender), roleOperator) {
		return
	}
	_, limit, ok := listParams(c)
	if !ok {
		return
	}
	s.view(c, func(m *matcher.Matcher) (any, *matcher.Error) {
		b, found := m.Book(c.Param("core_id"), limit)
		if !found {
			return nil, errf(matcher.CodeNotFound, "no such core enterprise")
		}
		return viewBook(b, m.BookMode(b.CoreID)), nil
	})
}

type bookModeRequest struct {
	Mode string `json:"mode"`
}

// setBookMode is PATCH /v1/books/{core_id} (operator): continuous or auction.
func (s *Server) setBookMode(c *gin.Context) {
	if !requireRole(c, roleOperator) {
		return
	}
	var in bookModeRequest
	req, ok := s.decode(c, &in)
	if !ok {
		return
	}
	core := c.Param("core_id")
	cmd := matcher.Command{Payload: &matcher.SetBookMode{CoreID: core, Mode: in.Mode}}
	s.submit(c, req, cmd, http.StatusOK, func(m *matcher.Matcher, _ matcher.Result) any {
		b, _ := m.Book(core, matcher.DefaultPageLimit)
		return viewBook(b, m.BookMode(core))
	})
}

// clearAuction is POST /v1/books/{core_id}/auctions (operator): clear the book now.
func (s *Server) clearAuction(c *gin.Context) {
	if !requireRole(c, roleOperator) {
		return
	}
	var in struct{}
	req, ok := s.decode(c, &in)
	if !ok {
		return
	}
	cmd := matcher.Command{Payload: &matcher.ClearAuction{CoreID: c.Param("core_id")}}
	s.submit(c, req, cmd, http.StatusCreated, func(m *matcher.Matcher, r matcher.Result) any { return viewAuction(r, m.Today()) })
}
