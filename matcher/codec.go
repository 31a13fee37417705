// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"encoding/binary"
	"math"
	"strings"
	"unicode/utf8"
)

// The binary journal encoding of a command. Every replica decodes every entry of the
// journal, so decoding is on the hot path of the whole system: JSON cost more than
// applying the command (docs/benchmarks.md, "Matcher"). The format:
//
//	byte     binaryMagic (JSON records begin with '{' or white space)
//	string   kind, actor, idem_key, idem_hash
//	payload* one byte tag (strictly increasing), then the payload's fields in
//	         declaration order
//
// A string is a uvarint length and UTF-8 bytes; an unsigned integer a uvarint; a
// signed integer a zigzag varint; a bool one byte 0 or 1; a list a uvarint count and
// its elements. Varints must be minimal, so that every command has exactly one
// encoding (FuzzDecodeCommand checks Encode(Decode(b)) == b). The payload rule of
// JSON holds: exactly the payload of the kind, none for a tick.
//
// Any Command encodes, as with JSON: a command the matcher must refuse (an unknown
// kind, two payloads) is refused by DecodeCommand on every replica alike. Strings that
// are not valid UTF-8 are written with U+FFFD in place of the bad bytes, as
// encoding/json did, so the state never holds a string its JSON snapshot would alter.
const binaryMagic = 0xB1

// Payload tags, in the order of the Command's fields.
const (
	tagCreateCluster byte = iota + 1
	tagCreateParticipant
	tagSubmitReceivable
	tagConfirm
	tagTransfer
	tagList
	tagCancelListing
	tagPostOffer
	tagCancelOffer
	tagFund
	tagSettle
	tagSetLedger
	tagRecordRegistrations
	tagRecordAnchor
	tagCutBatch
	tagIssueToken
	tagRevokeToken
	tagSetStatus
	tagReject
	// tagListFill is List with a minimum fill: a List whose MinFillFen is 0 keeps the
	// tagList encoding of the journals written before partial fills.
	tagListFill
	tagSetBookMode
	tagClearAuction
	// tagPostOfferCurve is PostOffer with a rate curve: an offer without one keeps
	// the tagPostOffer encoding of the journals written before curves.
	tagPostOfferCurve
)

var knownKinds = []Kind{
	KindCreateCluster, KindCreateParticipant, KindSubmitReceivable, KindConfirm, KindTransfer,
	KindList, KindCancelListing, KindPostOffer, KindCancelOffer, KindFund, KindSettle, KindTick,
	KindSetLedger, KindRecordRegistrations, KindRecordAnchor, KindCutBatch,
	KindIssueToken, KindRevokeToken, KindSetStatus, KindReject, KindSetBookMode, KindClearAuction,
}

type encoder struct{ b []byte }

func (e *encoder) str(s string) {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	e.b = binary.AppendUvarint(e.b, uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *encoder) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) int(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *encoder) tag(t byte)    { e.b = append(e.b, t) }

func (e *encoder) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

// postOffer writes a PostOffer's fields (its rate curve is written by the caller).
func (e *encoder) postOffer(p *PostOffer) {
	e.str(p.CoreID)
	e.int(p.LineAmount)
	e.int(p.RatesBps.A)
	e.int(p.RatesBps.B)
	e.int(p.RatesBps.C)
	e.int(int64(p.MinScore))
	e.int(int64(p.MaxTenorDays))
	e.int(p.MinTicket)
	e.int(p.MaxTicket)
	e.uint(uint64(len(p.ClusterIDs)))
	for _, id := range p.ClusterIDs {
		e.str(id)
	}
	e.str(p.MinCertification)
}

// encodeBinary appends the binary encoding of c to b.
func encodeBinary(b []byte, c *Command) []byte {
	e := encoder{b: append(b, binaryMagic)}
	e.str(string(c.Kind))
	e.str(c.Actor)
	e.str(c.IdemKey)
	e.str(c.IdemHash)
	if p := c.CreateCluster; p != nil {
		e.tag(tagCreateCluster)
		e.str(p.Name)
		e.str(p.CountyCode)
		e.str(p.Level)
		e.str(p.Industry)
		e.str(p.ValidUntil)
	}
	if p := c.CreateParticipant; p != nil {
		e.tag(tagCreateParticipant)
		e.str(p.Name)
		e.str(p.USCC)
		e.str(p.Role)
		e.str(p.Address)
		e.str(p.ClusterID)
		e.str(p.Certification)
		e.str(p.CertificationValidUntil)
		e.str(p.Rating)
		e.str(p.TokenHash)
	}
	if p := c.SubmitReceivable; p != nil {
		e.tag(tagSubmitReceivable)
		e.str(p.DebtorID)
		e.str(p.InvoiceNumber)
		e.int(p.Amount)
		e.str(p.Currency)
		e.str(p.IssueDate)
		e.str(p.DueDate)
	}
	if p := c.Confirm; p != nil {
		e.tag(tagConfirm)
		e.str(p.ReceivableID)
		e.str(p.Signature)
	}
	if p := c.Transfer; p != nil {
		e.tag(tagTransfer)
		e.str(p.ReceivableID)
		e.str(p.ToID)
		e.int(p.Amount)
		e.str(p.Salt)
		e.str(p.Signature)
	}
	if p := c.List; p != nil && p.MinFillFen == 0 {
		e.tag(tagList)
		e.str(p.ReceivableID)
		e.int(p.MaxRateBps)
	}
	if p := c.CancelListing; p != nil {
		e.tag(tagCancelListing)
		e.str(p.ListingID)
	}
	if p := c.PostOffer; p != nil && p.RateCurve == nil {
		e.tag(tagPostOffer)
		e.postOffer(p)
	}
	if p := c.CancelOffer; p != nil {
		e.tag(tagCancelOffer)
		e.str(p.OfferID)
	}
	if p := c.Fund; p != nil {
		e.tag(tagFund)
		e.str(p.MatchID)
		e.str(p.Reference)
	}
	if p := c.Settle; p != nil {
		e.tag(tagSettle)
		e.str(p.ReceivableID)
		e.str(p.Reference)
	}
	if p := c.SetLedger; p != nil {
		e.tag(tagSetLedger)
		e.uint(p.ChainID)
		e.str(p.Registry)
		e.str(p.Platform)
		e.str(p.Anchorer)
	}
	if p := c.RecordRegistrations; p != nil {
		e.tag(tagRecordRegistrations)
		e.uint(p.First)
		e.uint(uint64(len(p.Results)))
		for _, r := range p.Results {
			e.str(r.Fingerprint)
			e.bool(r.Duplicate)
			e.str(r.ExistingRef)
		}
		e.str(p.TxHash)
		e.uint(p.Fence)
	}
	if p := c.RecordAnchor; p != nil {
		e.tag(tagRecordAnchor)
		e.uint(p.FirstLeaf)
		e.int(int64(p.Count))
		e.str(p.Root)
		e.str(p.TxHash)
		e.uint(p.Block)
		e.uint(p.Fence)
	}
	if p := c.CutBatch; p != nil {
		e.tag(tagCutBatch)
		e.uint(p.FirstLeaf)
		e.int(int64(p.Count))
		e.uint(p.Fence)
	}
	if p := c.IssueToken; p != nil {
		e.tag(tagIssueToken)
		e.str(p.ParticipantID)
		e.str(p.TokenHash)
		e.int(p.ExpiresMs)
	}
	if p := c.RevokeToken; p != nil {
		e.tag(tagRevokeToken)
		e.str(p.ParticipantID)
		e.str(p.TokenID)
	}
	if p := c.SetStatus; p != nil {
		e.tag(tagSetStatus)
		e.str(p.ParticipantID)
		e.str(p.Status)
	}
	if p := c.Reject; p != nil {
		e.tag(tagReject)
		e.str(string(p.Error.Code))
		e.str(p.Error.Detail)
		e.uint(uint64(len(p.Error.Fields)))
		for _, f := range p.Error.Fields {
			e.str(f.Field)
			e.str(f.Message)
		}
	}
	if p := c.List; p != nil && p.MinFillFen != 0 {
		e.tag(tagListFill)
		e.str(p.ReceivableID)
		e.int(p.MaxRateBps)
		e.int(p.MinFillFen)
	}
	if p := c.SetBookMode; p != nil {
		e.tag(tagSetBookMode)
		e.str(p.CoreID)
		e.str(p.Mode)
	}
	if p := c.ClearAuction; p != nil {
		e.tag(tagClearAuction)
		e.str(p.CoreID)
	}
	if p := c.PostOffer; p != nil && p.RateCurve != nil {
		e.tag(tagPostOfferCurve)
		e.postOffer(p)
		e.int(p.RateCurve.BaseBps)
		e.int(p.RateCurve.BpsPer100Points)
		e.int(p.RateCurve.MaxBps)
	}
	return e.b
}

// decoder reads the binary encoding; the first error sticks and later reads return
// zero values.
type decoder struct {
	b   []byte
	err string
}

func (d *decoder) fail(what string) {
	if d.err == "" {
		d.err = what
	}
	d.b = nil
}

func (d *decoder) uint() uint64 {
	v, k := binary.Uvarint(d.b)
	if k <= 0 {
		d.fail("truncated or overlong varint")
		return 0
	}
	if k > 1 && d.b[k-1] == 0 {
		d.fail("varint not minimally encoded")
		return 0
	}
	d.b = d.b[k:]
	return v
}

func (d *decoder) int() int64 {
	u := d.uint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v
}

// smallInt reads a signed integer that the Command holds as an int.
func (d *decoder) smallInt() int {
	v := d.int()
	if v < math.MinInt || v > math.MaxInt {
		d.fail("integer out of range")
		return 0
	}
	return int(v)
}

func (d *decoder) str() string {
	n := d.uint()
	if n > uint64(len(d.b)) {
		d.fail("string past the end")
		return ""
	}
	if n == 0 {
		return ""
	}
	raw := d.b[:n]
	d.b = d.b[n:]
	if !utf8.Valid(raw) {
		d.fail("string not valid UTF-8")
		return ""
	}
	return string(raw)
}

func (d *decoder) bool() bool {
	if len(d.b) == 0 || d.b[0] > 1 {
		d.fail("bad bool")
		return false
	}
	v := d.b[0] == 1
	d.b = d.b[1:]
	return v
}

// count reads a list length, each element taking at least min bytes.
func (d *decoder) count(min int) int {
	n := d.uint()
	if n > uint64(len(d.b)/min) {
		d.fail("list longer than the record")
		return 0
	}
	return int(n)
}

func (d *decoder) kind() Kind {
	n := d.uint()
	if n > uint64(len(d.b)) {
		d.fail("string past the end")
		return ""
	}
	raw := d.b[:n]
	for _, k := range knownKinds {
		if string(raw) == string(k) { // no allocation
			d.b = d.b[n:]
			return k
		}
	}
	// Unknown: DecodeCommand refuses it after the whole record is read.
	d.b = d.b[n:]
	if !utf8.Valid(raw) {
		d.fail("string not valid UTF-8")
		return ""
	}
	return Kind(raw)
}

func (d *decoder) postOffer() *PostOffer {
	p := &PostOffer{CoreID: d.str(), LineAmount: d.int(), RatesBps: Rates{A: d.int(), B: d.int(), C: d.int()},
		MinScore: d.smallInt(), MaxTenorDays: d.smallInt(), MinTicket: d.int(), MaxTicket: d.int()}
	if n := d.count(1); n > 0 {
		p.ClusterIDs = make([]string, n)
		for i := range p.ClusterIDs {
			p.ClusterIDs[i] = d.str()
		}
	}
	p.MinCertification = d.str()
	return p
}

// decodeBinary decodes a record that begins with binaryMagic; the caller checks the
// actor and the payload rule. It returns a description of the first fault.
func decodeBinary(b []byte) (Command, string) {
	d := decoder{b: b[1:]}
	var c Command
	c.Kind = d.kind()
	c.Actor = d.str()
	c.IdemKey = d.str()
	c.IdemHash = d.str()
	last := byte(0)
	for len(d.b) > 0 {
		t := d.b[0]
		if t <= last {
			d.fail("payload tags out of order")
			break
		}
		last = t
		d.b = d.b[1:]
		switch t {
		case tagCreateCluster:
			c.CreateCluster = &CreateCluster{Name: d.str(), CountyCode: d.str(), Level: d.str(), Industry: d.str(), ValidUntil: d.str()}
		case tagCreateParticipant:
			c.CreateParticipant = &CreateParticipant{
				Name: d.str(), USCC: d.str(), Role: d.str(), Address: d.str(), ClusterID: d.str(),
				Certification: d.str(), CertificationValidUntil: d.str(), Rating: d.str(), TokenHash: d.str(),
			}
		case tagSubmitReceivable:
			c.SubmitReceivable = &SubmitReceivable{DebtorID: d.str(), InvoiceNumber: d.str(), Amount: d.int(), Currency: d.str(), IssueDate: d.str(), DueDate: d.str()}
		case tagConfirm:
			c.Confirm = &Confirm{ReceivableID: d.str(), Signature: d.str()}
		case tagTransfer:
			c.Transfer = &Transfer{ReceivableID: d.str(), ToID: d.str(), Amount: d.int(), Salt: d.str(), Signature: d.str()}
		case tagList:
			c.List = &List{ReceivableID: d.str(), MaxRateBps: d.int()}
		case tagCancelListing:
			c.CancelListing = &CancelListing{ListingID: d.str()}
		case tagPostOffer:
			c.PostOffer = d.postOffer()
		case tagPostOfferCurve:
			if c.PostOffer != nil {
				d.fail("two offer payloads")
				break
			}
			c.PostOffer = d.postOffer()
			c.PostOffer.RateCurve = &RateCurve{BaseBps: d.int(), BpsPer100Points: d.int(), MaxBps: d.int()}
		case tagCancelOffer:
			c.CancelOffer = &CancelOffer{OfferID: d.str()}
		case tagFund:
			c.Fund = &Fund{MatchID: d.str(), Reference: d.str()}
		case tagSettle:
			c.Settle = &Settle{ReceivableID: d.str(), Reference: d.str()}
		case tagSetLedger:
			c.SetLedger = &SetLedger{ChainID: d.uint(), Registry: d.str(), Platform: d.str(), Anchorer: d.str()}
		case tagRecordRegistrations:
			p := &RecordRegistrations{First: d.uint()}
			if n := d.count(3); n > 0 {
				p.Results = make([]RegResult, n)
				for i := range p.Results {
					p.Results[i] = RegResult{Fingerprint: d.str(), Duplicate: d.bool(), ExistingRef: d.str()}
				}
			}
			p.TxHash, p.Fence = d.str(), d.uint()
			c.RecordRegistrations = p
		case tagRecordAnchor:
			c.RecordAnchor = &RecordAnchor{FirstLeaf: d.uint(), Count: d.smallInt(), Root: d.str(), TxHash: d.str(), Block: d.uint(), Fence: d.uint()}
		case tagCutBatch:
			c.CutBatch = &CutBatch{FirstLeaf: d.uint(), Count: d.smallInt(), Fence: d.uint()}
		case tagIssueToken:
			c.IssueToken = &IssueToken{ParticipantID: d.str(), TokenHash: d.str(), ExpiresMs: d.int()}
		case tagRevokeToken:
			c.RevokeToken = &RevokeToken{ParticipantID: d.str(), TokenID: d.str()}
		case tagSetStatus:
			c.SetStatus = &SetStatus{ParticipantID: d.str(), Status: d.str()}
		case tagReject:
			p := &Reject{Error: Error{Code: Code(d.str()), Detail: d.str()}}
			if n := d.count(2); n > 0 {
				p.Error.Fields = make([]FieldError, n)
				for i := range p.Error.Fields {
					p.Error.Fields[i] = FieldError{Field: d.str(), Message: d.str()}
				}
			}
			c.Reject = p
		case tagSetBookMode:
			c.SetBookMode = &SetBookMode{CoreID: d.str(), Mode: d.str()}
		case tagClearAuction:
			c.ClearAuction = &ClearAuction{CoreID: d.str()}
		case tagListFill:
			if c.List != nil {
				d.fail("two list payloads")
				break
			}
			c.List = &List{ReceivableID: d.str(), MaxRateBps: d.int(), MinFillFen: d.int()}
			if c.List.MinFillFen == 0 {
				d.fail("a list without a minimum fill is encoded with its own tag")
			}
		default:
			d.fail("unknown payload tag")
		}
	}
	if d.err != "" {
		return Command{}, d.err
	}
	return c, ""
}
