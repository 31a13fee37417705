// SPDX-License-Identifier: Apache-2.0

package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/scfx/scfx/matcher"
)

func (s *Server) createCluster(c *gin.Context) {
	if !requireRole(c, roleOperator) {
		return
	}
	var in matcher.CreateCluster
	req, ok := s.decode(c, &in)
	if !ok {
		return
	}
	s.submit(c, req, matcher.Command{Payload: &in}, http.StatusCreated,
		func(_ *matcher.Matcher, r matcher.Result) any { return viewCluster(r.Cluster) })
}

func (s *Server) getCluster(c *gin.Context) {
	s.view(c, func(m *matcher.Matcher) (any, *matcher.Error) {
		cl, ok := m.Cluster(c.Param("id"))
		if !ok {
			return nil, errf(matcher.CodeNotFound, "cluster not found")
		}
		return viewCluster(cl), nil
	})
}

func (s *Server) listClusters(c *gin.Context) {
	cursor, limit, ok := listParams(c)
	if !ok {
		return
	}
	s.view(c, func(m *matcher.Matcher) (any, *matcher.Error) {
		return viewPage(m.Clusters(cursor, limit), func(cl matcher.Cluster) clusterView { return viewCluster(&cl) }), nil
	})
}

// participantRequest is POST /v1/participants: the matcher's payload without the
// token hash, which the server makes.
type participantRequest struct {
	Name                    string `json:"name"`
	USCC                    string `json:"uscc"`
	Role                    string `json:"role"`
	Address                 string `json:"address"`
	ClusterID               string `json:"cluster_id"`
	Certification           string `json:"certification"`
	CertificationValidUntil string `json:"certification_valid_until"`
	Rating                  string `json:"rating"`
}

func (s *Server) createParticipant(c *gin.Context) {
	if !requireRole(c, roleOperator) {
		return
	}
	var in participantRequest
	req, ok := s.decode(c, &in)
	if !ok {
		return
	}
	// From crypto/rand only: nothing kept anywhere recomputes it.
	token := NewToken()
	cmd := matcher.Command{Payload: &matcher.CreateParticipant{
		Name: in.Name, USCC: in.USCC, Role: in.Role, Address: in.Address, ClusterID: in.ClusterID,
		Certification: in.Certification, CertificationValidUntil: in.CertificationValidUntil, Rating: in.Rating,
		TokenHash: HashToken(token),
	}}
	s.submit(c, req, cmd, http.StatusCreated, func(_ *matcher.Matcher, r matcher.Result) any {
		v := viewParticipant(r.Participant)
		v.Token, v.TokenShown = shownToken(r, token)
		return v
	})
}

// shownToken is the token a create returns, once: an idempotent replay answers
// without it (token_shown: false), and a caller who lost the first answer issues a
// new token (POST /v1/participants/{id}/tokens) and revokes the lost one.
func shownToken(r matcher.Result, token string) (string, *bool) {
	shown := !r.Replayed && r.Token != nil && r.Token.Hash == HashToken(token)
	if !shown {
		token = ""
	}
	return token, &shown
}

func (s *Server) getParticipant(c *gin.Context) {
	s.view(c, func(m *matcher.Matcher) (any, *matcher.Error) {
		p, e := m.Participant(actorOf(c), c.Param("id"))
		if e != nil {
			return nil, e
		}
		return viewParticipant(p), nil
	})
}

func (s *Server) listParticipants(c *gin.Context) {
	cursor, limit, ok := listParams(c)
	if !ok {
		return
	}
	s.view(c, func(m *matcher.Matcher) (any, *matcher.Error) {
		return viewPage(m.Participants(actorOf(c), cursor, limit), func(p matcher.Participant) participantView { return viewParticipant(&p) }), nil
	})
}

// directory answers any caller: names, roles and addresses of every participant.
func (s *Server) directory(c *gin.Context) {
	cursor, limit, ok := listParams(c)
	if !ok {
		return
	}
	role := matcher.Role(c.Query("role"))
	switch role {
	case "", matcher.RoleSME, matcher.RoleCore, matcher.RoleLender, matcher.RoleAuditor:
	default:
		fail(c, fieldError("role", "must be sme, core, lender or auditor"))
		return
	}
	s.view(c, func(m *matcher.Matcher) (any, *matcher.Error) {
		return viewPage(m.Directory(role, cursor, limit), func(p matcher.Participant) directoryView {
			v := viewParticipant(&p)
			return directoryView{ID: v.ID, Name: v.Name, Role: v.Role, Address: v.Address, Status: v.Status}
		}), nil
	})
}

func (s *Server) nodeInfo(c *gin.Context) {
	if !requireRole(c, logRoles...) {
		return
	}
	s.view(c, func(m *matcher.Matcher) (any, *matcher.Error) {
		h := m.StateHash()
		return NodeView{
			NodeID: s.cfg.NodeID, Journal: s.cfg.JournalKind, AppliedSeq: m.AppliedSeq(),
			StateHash: hexLower(h[:]), Anchorer: s.cfg.IsAnchorer(), SnapshotSeq: s.n.SnapshotSeq(),
			Replication: s.cfg.Replication,
		}, nil
	})
}
