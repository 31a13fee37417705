// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"strings"
	"unicode/utf8"

	"github.com/ethereum/go-ethereum/common"

	"github.com/scfx/scfx/uscc"
)

// Limits on free text, so one participant cannot grow the state without bound.
const (
	maxNameRunes     = 200
	maxIndustryRunes = 100
	maxReferenceLen  = 128
)

func checkText(field, v string, maxRunes int) *Error {
	if strings.TrimSpace(v) == "" {
		return fieldErr(field, "is required")
	}
	if !utf8.ValidString(v) {
		return fieldErr(field, "is not valid UTF-8")
	}
	if n := utf8.RuneCountInString(v); n > maxRunes {
		return fieldErr(field, "has %d characters, at most %d", n, maxRunes)
	}
	return nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// parseAddress accepts 0x and 40 hex digits, all lower case or EIP-55 checksummed.
func parseAddress(field, s string) (common.Address, *Error) {
	if len(s) != 42 || !strings.HasPrefix(s, "0x") || !common.IsHexAddress(s) {
		return common.Address{}, fieldErr(field, "must be 0x and 40 hex digits")
	}
	a := common.HexToAddress(s)
	if s[2:] != strings.ToLower(s[2:]) && a.Hex() != s {
		return common.Address{}, fieldErr(field, "fails its EIP-55 checksum")
	}
	if a == (common.Address{}) {
		return common.Address{}, fieldErr(field, "must not be the zero address")
	}
	return a, nil
}

func parseDateField(field, s string) (Date, *Error) {
	d, ok := ParseDate(s)
	if !ok {
		return 0, fieldErr(field, "must be a date YYYY-MM-DD")
	}
	return d, nil
}

func (m *Matcher) createCluster(actor string, c *CreateCluster) (Result, *Error) {
	if err := requireOperator(actor); err != nil {
		return Result{}, err
	}
	if err := checkText("name", c.Name, maxNameRunes); err != nil {
		return Result{}, err
	}
	if len(c.CountyCode) != 6 || !isDigits(c.CountyCode) {
		return Result{}, fieldErr("county_code", "must be 6 digits")
	}
	if c.Level != LevelNational && c.Level != LevelProvincial {
		return Result{}, fieldErr("level", "must be national or provincial")
	}
	if err := checkText("industry", c.Industry, maxIndustryRunes); err != nil {
		return Result{}, err
	}
	until, err := parseDateField("valid_until", c.ValidUntil)
	if err != nil {
		return Result{}, err
	}
	if until <= m.Today() {
		return Result{}, fieldErr("valid_until", "must be after today")
	}
	m.s.Counters.Cluster++
	cl := &Cluster{
		ID: makeID(prefixCluster, m.s.Counters.Cluster), Name: c.Name, CountyCode: c.CountyCode,
		Level: c.Level, Industry: c.Industry, ValidUntil: until, CreatedMs: m.nowMs,
	}
	m.s.Clusters.put(cl.ID, cl)
	cp := *cl
	return Result{Cluster: &cp}, nil
}

func (m *Matcher) createParticipant(actor string, c *CreateParticipant) (Result, *Error) {
	if err := requireOperator(actor); err != nil {
		return Result{}, err
	}
	p, err := m.checkParticipant(c)
	if err != nil {
		return Result{}, err
	}
	m.s.Counters.Participant++
	p.ID = makeID(prefixParticipant, m.s.Counters.Participant)
	p.CreatedMs = m.nowMs
	p.TokenSeq = 1
	p.Tokens = []Token{{ID: tokenID(1), Hash: c.TokenHash, CreatedMs: m.nowMs}}
	m.s.Participants.put(p.ID, p)
	m.emitParticipant(p, true)
	m.setUSCC(p.USCC, p.ID)
	m.ix.addParticipant(p)
	t := p.Tokens[0]
	return Result{Participant: p.copy(), Token: &t}, nil
}

// checkParticipant validates a new participant without changing anything.
func (m *Matcher) checkParticipant(c *CreateParticipant) (*Participant, *Error) {
	if err := checkText("name", c.Name, maxNameRunes); err != nil {
		return nil, err
	}
	if err := uscc.Check(c.USCC); err != nil {
		return nil, fieldErr("uscc", "%v", err)
	}
	if _, dup := m.s.USCCs[c.USCC]; dup {
		return nil, fieldErr("uscc", "is already registered")
	}
	if err := m.checkTokenHash(c.TokenHash); err != nil {
		return nil, err
	}
	p := &Participant{Name: c.Name, USCC: c.USCC, Role: Role(c.Role)}
	switch p.Role {
	case RoleSME, RoleCore:
		a, err := parseAddress("address", c.Address)
		if err != nil {
			return nil, err
		}
		if _, dup := m.ix.byAddress[a]; dup {
			return nil, fieldErr("address", "is already registered to another participant")
		}
		p.Address = a
	case RoleLender, RoleAuditor:
		if c.Address != "" {
			a, err := parseAddress("address", c.Address)
			if err != nil {
				return nil, err
			}
			p.Address = a
		}
	default:
		return nil, fieldErr("role", "must be sme, core, lender or auditor")
	}
	if err := m.checkSMEFields(p, c); err != nil {
		return nil, err
	}
	if p.Role == RoleCore {
		if _, ok := ratingRank(c.Rating); !ok {
			return nil, fieldErr("rating", "must be one of AAA, AA+, AA, AA-, A+, A, BBB")
		}
		p.Rating = c.Rating
	} else if c.Rating != "" {
		return nil, fieldErr("rating", "is for cores only")
	}
	return p, nil
}

func (m *Matcher) checkSMEFields(p *Participant, c *CreateParticipant) *Error {
	if p.Role != RoleSME {
		switch {
		case c.ClusterID != "":
			return fieldErr("cluster_id", "is for SMEs only")
		case c.Certification != "":
			return fieldErr("certification", "is for SMEs only")
		case c.CertificationValidUntil != "":
			return fieldErr("certification_valid_until", "is for SMEs only")
		}
		return nil
	}
	if c.ClusterID != "" {
		if m.s.Clusters.get(c.ClusterID) == nil {
			return fieldErr("cluster_id", "no such cluster")
		}
		p.ClusterID = c.ClusterID
	}
	p.Certification = CertNone
	if c.Certification != "" {
		if _, ok := certRank(Certification(c.Certification)); !ok {
			return fieldErr("certification", "must be none, innovative, specialized or little_giant")
		}
		p.Certification = Certification(c.Certification)
	}
	switch {
	case p.Certification != CertNone && c.CertificationValidUntil == "":
		return fieldErr("certification_valid_until", "is required with a certification")
	case c.CertificationValidUntil != "":
		d, err := parseDateField("certification_valid_until", c.CertificationValidUntil)
		if err != nil {
			return err
		}
		p.CertificationValidUntil = d
	}
	return nil
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') && (c < 'A' || c > 'F') {
			return false
		}
	}
	return true
}

// ParticipantByToken finds the participant whose token hashes to tokenHash.
func (m *Matcher) ParticipantByToken(tokenHash string) *Participant {
	id, ok := m.ix.byToken[tokenHash]
	if !ok {
		return nil
	}
	return m.s.Participants.get(id).copy()
}
