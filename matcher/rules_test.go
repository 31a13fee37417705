// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"crypto/ecdsa"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/scfx/scfx/eip712"
)

// Tests of the onboarding, invoice, confirmation and transfer rules of docs/api.md and
// README, "What the market does" and §4. Every refused command is checked with wantCode: its exact
// code, and an unchanged StateHash (docs/matching.md §5: "A rejected command changes nothing").

// docs/api.md POST /v1/clusters: {name, county_code (6 digits), level: "national"|"provincial",
// industry, valid_until}; Operator section: only the operator certifies clusters.
func TestAPI_CreateCluster(t *testing.T) {
	w := newWorld(t)
	sme, core, lender := w.sme("", ""), w.core("AAA"), w.lender()
	valid := func() CreateCluster {
		return CreateCluster{Name: "永康五金产业集群", CountyCode: "330784", Level: LevelNational, Industry: "五金", ValidUntil: w.date(365)}
	}
	rows := []struct {
		name  string
		actor string
		mut   func(*CreateCluster)
		want  Code // "" accepted
	}{
		{"national accepted", ActorOperator, func(*CreateCluster) {}, ""},
		{"provincial accepted", ActorOperator, func(c *CreateCluster) { c.Level = LevelProvincial }, ""},
		{"valid_until tomorrow accepted", ActorOperator, func(c *CreateCluster) { c.ValidUntil = w.date(1) }, ""},
		{"county_code 5 digits", ActorOperator, func(c *CreateCluster) { c.CountyCode = "33078" }, CodeValidation},
		{"county_code 7 digits", ActorOperator, func(c *CreateCluster) { c.CountyCode = "3307841" }, CodeValidation},
		{"county_code not digits", ActorOperator, func(c *CreateCluster) { c.CountyCode = "33078A" }, CodeValidation},
		{"county_code full-width digits", ActorOperator, func(c *CreateCluster) { c.CountyCode = "３３０７" }, CodeValidation},
		{"county_code missing", ActorOperator, func(c *CreateCluster) { c.CountyCode = "" }, CodeValidation},
		{"level county", ActorOperator, func(c *CreateCluster) { c.Level = "county" }, CodeValidation},
		{"level upper case", ActorOperator, func(c *CreateCluster) { c.Level = "National" }, CodeValidation},
		{"level missing", ActorOperator, func(c *CreateCluster) { c.Level = "" }, CodeValidation},
		{"valid_until today", ActorOperator, func(c *CreateCluster) { c.ValidUntil = w.date(0) }, CodeValidation},
		{"valid_until past", ActorOperator, func(c *CreateCluster) { c.ValidUntil = w.date(-30) }, CodeValidation},
		{"valid_until not a date", ActorOperator, func(c *CreateCluster) { c.ValidUntil = "2027-02-30" }, CodeValidation},
		{"valid_until missing", ActorOperator, func(c *CreateCluster) { c.ValidUntil = "" }, CodeValidation},
		{"name missing", ActorOperator, func(c *CreateCluster) { c.Name = "  " }, CodeValidation},
		{"name too long", ActorOperator, func(c *CreateCluster) { c.Name = strings.Repeat("集", maxNameRunes+1) }, CodeValidation},
		{"industry missing", ActorOperator, func(c *CreateCluster) { c.Industry = "" }, CodeValidation},
		{"an SME may not", sme, func(*CreateCluster) {}, CodeForbidden},
		{"a core may not", core, func(*CreateCluster) {}, CodeForbidden},
		{"a lender may not", lender, func(*CreateCluster) {}, CodeForbidden},
		{"the system may not", ActorSystem, func(*CreateCluster) {}, CodeForbidden},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			w.tb = t
			c := valid()
			row.mut(&c)
			before := w.hash()
			r := w.as(row.actor, Command{Payload: &c})
			if row.want != "" {
				w.wantCode(r, row.want, before)
				return
			}
			w.must(r)
			got, ok := w.m.Cluster(r.Cluster.ID)
			if !ok || got.CountyCode != c.CountyCode || got.Level != c.Level || got.ValidUntil.String() != c.ValidUntil {
				t.Fatalf("Cluster(%s) = %+v, want the fields of %+v", r.Cluster.ID, got, c)
			}
		})
	}
}

// flipCase flips the case of one letter of an EIP-55 address so that the result is
// still mixed case (so it is read as a checksum, and a wrong one).
func flipCase(t *testing.T, checksummed string) string {
	b := []byte(checksummed)
	upper, lower := 0, 0
	for _, c := range b[2:] {
		if c >= 'A' && c <= 'F' {
			upper++
		} else if c >= 'a' && c <= 'f' {
			lower++
		}
	}
	for i := 2; i < len(b); i++ {
		switch {
		case b[i] >= 'A' && b[i] <= 'F' && upper >= 2:
			b[i] += 'a' - 'A'
			return string(b)
		case b[i] >= 'a' && b[i] <= 'f' && lower >= 2:
			b[i] -= 'a' - 'A'
			return string(b)
		}
	}
	t.Skip("address without enough letters to flip")
	return ""
}

// docs/api.md POST /v1/participants: uscc (check digit, unique), address (EIP-55 or lower
// case, required for sme and core), SME-only fields, core-only rating.
func TestAPI_CreateParticipant(t *testing.T) {
	w := newWorld(t)
	cl := w.cluster(LevelNational)
	taken, _ := w.participantCmd(RoleSME)
	takenID := w.addParticipant(taken, nil)
	takenAddr := w.m.s.Participants.get(takenID).Address
	rows := []struct {
		name string
		role Role
		mut  func(c *CreateParticipant)
		want Code
	}{
		{"sme accepted", RoleSME, func(*CreateParticipant) {}, ""},
		{"core accepted", RoleCore, func(*CreateParticipant) {}, ""},
		{"lender without address accepted", RoleLender, func(*CreateParticipant) {}, ""},
		// "uscc: 18 characters, valid GB 32100-2015 check digit; unique."
		{"uscc wrong check digit", RoleSME, func(c *CreateParticipant) { c.USCC = wrongCheckDigit(c.USCC) }, CodeValidation},
		{"uscc lower case", RoleSME, func(c *CreateParticipant) { c.USCC = strings.ToLower(c.USCC) }, CodeValidation},
		{"uscc 17 characters", RoleSME, func(c *CreateParticipant) { c.USCC = c.USCC[:17] }, CodeValidation},
		{"uscc already registered", RoleSME, func(c *CreateParticipant) { c.USCC = taken.USCC }, CodeValidation},
		{"uscc already registered by a lender", RoleLender, func(c *CreateParticipant) { c.USCC = taken.USCC }, CodeValidation},
		// "address (0x, 20 bytes, EIP-55 or lower case): required for sme and core."
		{"sme without address", RoleSME, func(c *CreateParticipant) { c.Address = "" }, CodeValidation},
		{"core without address", RoleCore, func(c *CreateParticipant) { c.Address = "" }, CodeValidation},
		{"EIP-55 checksum accepted", RoleSME, func(c *CreateParticipant) { c.Address = common.HexToAddress(c.Address).Hex() }, ""},
		{"lower case accepted", RoleCore, func(c *CreateParticipant) { c.Address = strings.ToLower(c.Address) }, ""},
		{"EIP-55 checksum wrong", RoleSME, func(c *CreateParticipant) { c.Address = flipCase(t, c.Address) }, CodeValidation},
		{"all upper case is not EIP-55", RoleSME, func(c *CreateParticipant) { c.Address = "0x" + strings.ToUpper(c.Address[2:]) }, CodeValidation},
		{"address without 0x", RoleSME, func(c *CreateParticipant) { c.Address = c.Address[2:] }, CodeValidation},
		{"address 19 bytes", RoleSME, func(c *CreateParticipant) { c.Address = c.Address[:40] }, CodeValidation},
		{"zero address", RoleSME, func(c *CreateParticipant) { c.Address = "0x0000000000000000000000000000000000000000" }, CodeValidation},
		{"address already registered", RoleCore, func(c *CreateParticipant) { c.Address = takenAddr.Hex() }, CodeValidation},
		{"address already registered, lower case", RoleSME, func(c *CreateParticipant) { c.Address = strings.ToLower(takenAddr.Hex()) }, CodeValidation},
		{"lender with a bad address", RoleLender, func(c *CreateParticipant) { c.Address = "0x1234" }, CodeValidation},
		// "cluster_id, certification, certification_valid_until: SMEs only."
		{"sme in a cluster", RoleSME, func(c *CreateParticipant) { c.ClusterID = cl }, ""},
		{"sme in no such cluster", RoleSME, func(c *CreateParticipant) { c.ClusterID = "clu_999" }, CodeValidation},
		{"core in a cluster", RoleCore, func(c *CreateParticipant) { c.ClusterID = cl }, CodeValidation},
		{"lender in a cluster", RoleLender, func(c *CreateParticipant) { c.ClusterID = cl }, CodeValidation},
		{"sme certified with validity", RoleSME, func(c *CreateParticipant) { c.Certification, c.CertificationValidUntil = "little_giant", w.date(300) }, ""},
		{"sme certified without validity", RoleSME, func(c *CreateParticipant) { c.Certification = "specialized" }, CodeValidation},
		{"sme certified with a bad validity", RoleSME, func(c *CreateParticipant) { c.Certification, c.CertificationValidUntil = "innovative", "2027-13-01" }, CodeValidation},
		{"sme unknown certification", RoleSME, func(c *CreateParticipant) { c.Certification, c.CertificationValidUntil = "gold", w.date(300) }, CodeValidation},
		{"sme certification none", RoleSME, func(c *CreateParticipant) { c.Certification = "none" }, ""},
		{"core certified", RoleCore, func(c *CreateParticipant) { c.Certification, c.CertificationValidUntil = "innovative", w.date(300) }, CodeValidation},
		{"lender certification validity", RoleLender, func(c *CreateParticipant) { c.CertificationValidUntil = w.date(300) }, CodeValidation},
		// "rating (AAA…BBB): cores only."
		{"sme rated", RoleSME, func(c *CreateParticipant) { c.Rating = "AAA" }, CodeValidation},
		{"lender rated", RoleLender, func(c *CreateParticipant) { c.Rating = "AAA" }, CodeValidation},
		{"core without rating", RoleCore, func(c *CreateParticipant) { c.Rating = "" }, CodeValidation},
		{"core rated C", RoleCore, func(c *CreateParticipant) { c.Rating = "C" }, CodeValidation},
		{"role bank", RoleSME, func(c *CreateParticipant) { c.Role = "bank" }, CodeValidation},
		{"name missing", RoleSME, func(c *CreateParticipant) { c.Name = "" }, CodeValidation},
		// The token is stored as its hash, one participant per token.
		{"token hash reused", RoleLender, func(c *CreateParticipant) { c.TokenHash = taken.TokenHash }, CodeValidation},
		{"token hash upper case", RoleLender, func(c *CreateParticipant) { c.TokenHash = strings.ToUpper(c.TokenHash) }, CodeValidation},
		{"token hash short", RoleLender, func(c *CreateParticipant) { c.TokenHash = c.TokenHash[:63] }, CodeValidation},
	}
	for _, rating := range ratings {
		rating := rating
		rows = append(rows, struct {
			name string
			role Role
			mut  func(c *CreateParticipant)
			want Code
		}{"core rated " + rating, RoleCore, func(c *CreateParticipant) { c.Rating = rating }, ""})
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			w.tb = t
			c, _ := w.participantCmd(row.role)
			row.mut(&c)
			before := w.hash()
			r := w.op(Command{Payload: &c})
			if row.want != "" {
				w.wantCode(r, row.want, before)
				return
			}
			p := w.must(r).Participant
			if p.USCC != c.USCC || string(p.Role) != c.Role || len(p.Tokens) != 1 || p.Tokens[0].Hash != c.TokenHash {
				t.Fatalf("participant %+v does not carry %+v", p, c)
			}
			if c.Address != "" && !strings.EqualFold(p.Address.Hex(), c.Address) {
				t.Fatalf("address %s, want %s", p.Address.Hex(), c.Address)
			}
			if got := w.m.ParticipantByToken(c.TokenHash); got == nil || got.ID != p.ID {
				t.Fatalf("ParticipantByToken(%s) = %v, want %s", c.TokenHash, got, p.ID)
			}
		})
	}
	// docs/api.md Operator: only the operator onboards.
	for _, actor := range []string{takenID, ActorSystem} {
		c, _ := w.participantCmd(RoleSME)
		w.wantCode(w.as(actor, Command{Payload: &c}), CodeForbidden, w.hash())
	}
}

func wrongCheckDigit(code string) string {
	last := code[17]
	for _, c := range []byte("0123456789ABCDEFGHJKLMNPQRTUWXY") {
		if c != last {
			return code[:17] + string(c)
		}
	}
	return code
}

// docs/api.md POST /v1/receivables: the rules of an invoice upload.
func TestAPI_SubmitReceivable(t *testing.T) {
	w := newWorld(t)
	sme, core, lender := w.sme("", ""), w.core("AA"), w.lender()
	otherSME := w.sme("", "")
	rows := []struct {
		name  string
		rule  string
		actor string
		mut   func(*SubmitReceivable)
		want  Code
	}{
		{"accepted", "", sme, func(*SubmitReceivable) {}, ""},
		{"debtor is an SME", "debtor is a core", sme, func(c *SubmitReceivable) { c.DebtorID = otherSME }, CodeValidation},
		{"debtor is a lender", "debtor is a core", sme, func(c *SubmitReceivable) { c.DebtorID = lender }, CodeValidation},
		{"debtor unknown", "debtor is a core", sme, func(c *SubmitReceivable) { c.DebtorID = "par_999" }, CodeValidation},
		{"invoice 7 characters", "invoice number 8–20 characters", sme, func(c *SubmitReceivable) { c.InvoiceNumber = "INV-001" }, CodeValidation},
		{"invoice 8 characters", "invoice number 8–20 characters", sme, func(c *SubmitReceivable) { c.InvoiceNumber = "INV-0001" }, ""},
		{"invoice 20 characters", "invoice number 8–20 characters", sme, func(c *SubmitReceivable) { c.InvoiceNumber = "A-" + strings.Repeat("9", 18) }, ""},
		{"invoice 21 characters", "invoice number 8–20 characters", sme, func(c *SubmitReceivable) { c.InvoiceNumber = strings.Repeat("9", 21) }, CodeValidation},
		{"invoice underscore", "[0-9A-Za-z-]", sme, func(c *SubmitReceivable) { c.InvoiceNumber = "INV_0002" }, CodeValidation},
		{"invoice space", "[0-9A-Za-z-]", sme, func(c *SubmitReceivable) { c.InvoiceNumber = "INV 0003" }, CodeValidation},
		{"invoice Chinese", "[0-9A-Za-z-]", sme, func(c *SubmitReceivable) { c.InvoiceNumber = "发票00000004" }, CodeValidation},
		{"invoice lower case accepted", "[0-9A-Za-z-]", sme, func(c *SubmitReceivable) { c.InvoiceNumber = "inv-abcdz" }, ""},
		{"amount 0", "amount > 0", sme, func(c *SubmitReceivable) { c.Amount = 0 }, CodeValidation},
		{"amount -1", "amount > 0", sme, func(c *SubmitReceivable) { c.Amount = -1 }, CodeValidation},
		{"amount 1", "amount > 0", sme, func(c *SubmitReceivable) { c.Amount = 1 }, ""},
		{"amount 10^15", "≤ 10^15 fen", sme, func(c *SubmitReceivable) { c.Amount = 1_000_000_000_000_000 }, ""},
		{"amount 10^15+1", "≤ 10^15 fen", sme, func(c *SubmitReceivable) { c.Amount = 1_000_000_000_000_001 }, CodeValidation},
		{"currency USD", "currency CNY", sme, func(c *SubmitReceivable) { c.Currency = "USD" }, CodeValidation},
		{"currency cny", "currency CNY", sme, func(c *SubmitReceivable) { c.Currency = "cny" }, CodeValidation},
		{"currency missing", "currency CNY", sme, func(c *SubmitReceivable) { c.Currency = "" }, CodeValidation},
		{"due on issue day", "due date after issue date", sme, func(c *SubmitReceivable) { c.IssueDate, c.DueDate = w.date(0), w.date(0) }, CodeValidation},
		{"due before issue", "due date after issue date", sme, func(c *SubmitReceivable) { c.IssueDate, c.DueDate = w.date(0), w.date(-1) }, CodeValidation},
		{"due today", "and after today", sme, func(c *SubmitReceivable) { c.IssueDate, c.DueDate = w.date(-10), w.date(0) }, CodeValidation},
		{"due tomorrow", "and after today", sme, func(c *SubmitReceivable) { c.IssueDate, c.DueDate = w.date(-10), w.date(1) }, ""},
		{"term 365 days", "at most 365 days after the issue date", sme, func(c *SubmitReceivable) { c.IssueDate, c.DueDate = w.date(-10), w.date(355) }, ""},
		{"term 366 days", "at most 365 days after the issue date", sme, func(c *SubmitReceivable) { c.IssueDate, c.DueDate = w.date(-10), w.date(356) }, CodeValidation},
		{"issue tomorrow (Beijing today)", "issueDateLeadDays", sme, func(c *SubmitReceivable) { c.IssueDate, c.DueDate = w.date(1), w.date(30) }, ""},
		{"issue in two days", "issueDateLeadDays", sme, func(c *SubmitReceivable) { c.IssueDate, c.DueDate = w.date(2), w.date(30) }, CodeValidation},
		{"issue not a date", "Dates are YYYY-MM-DD", sme, func(c *SubmitReceivable) { c.IssueDate = "2026/03/02" }, CodeValidation},
		{"due not a date", "Dates are YYYY-MM-DD", sme, func(c *SubmitReceivable) { c.DueDate = "2026-04-31" }, CodeValidation},
		{"a core may not", "(role sme)", core, func(*SubmitReceivable) {}, CodeForbidden},
		{"a lender may not", "(role sme)", lender, func(*SubmitReceivable) {}, CodeForbidden},
		{"the operator may not", "(role sme)", ActorOperator, func(*SubmitReceivable) {}, CodeForbidden},
		{"the system may not", "(role sme)", ActorSystem, func(*SubmitReceivable) {}, CodeForbidden},
		{"an unknown actor", "unauthorized: no or bad token", "par_999", func(*SubmitReceivable) {}, CodeUnauthorized},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			w.tb = t
			cmd := w.submitCmd(core, 1_000_000, 90)
			row.mut(cmd.Payload.(*SubmitReceivable))
			before := w.hash()
			r := w.as(row.actor, cmd)
			if row.want != "" {
				w.wantCode(r, row.want, before) // docs/api.md: row.rule
				return
			}
			rc := w.must(r).Receivable
			c := cmd.Payload.(*SubmitReceivable)
			if rc.Status != StatusPending || rc.Tier != 1 || rc.HolderID != sme || rc.CreditorID != sme ||
				rc.AmountFen != c.Amount || rc.RemainingFen != c.Amount || rc.ParentID != "" || rc.AssigneeID != "" {
				t.Fatalf("receivable %+v, want pending tier 1 held by its creditor %s", rc, sme)
			}
		})
	}
}

// docs/api.md: "at most 365 days after the issue date (the payment-term cap, configurable)".
func TestAPI_SubmitReceivable_TermCapConfigurable(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MaxTermDays = 30
	w := newWorldConfig(t, cfg)
	sme, core := w.sme("", ""), w.core("AA")
	ok := w.submitCmd(core, 100, 30)
	w.must(w.as(sme, ok))
	long := w.submitCmd(core, 100, 31)
	w.wantCode(w.as(sme, long), CodeValidation, w.hash())
}

// README, "What the market does" "fingerprint: keccak256 of the canonical invoice identity (debtor USCC,
// creditor USCC, invoice number)"; docs/api.md "the same invoice (same fingerprint) twice:
// 409 duplicate_invoice".
func TestAPI_SubmitReceivable_Fingerprint(t *testing.T) {
	w := newWorld(t)
	a, b, core, core2 := w.sme("", ""), w.sme("", ""), w.core("AA"), w.core("A")
	cmd := w.submitCmd(core, 5000, 60)
	r := w.must(w.as(a, cmd)).Receivable
	p := w.m.s.Participants
	if want := eip712.Fingerprint(p.get(core).USCC, p.get(a).USCC, cmd.Payload.(*SubmitReceivable).InvoiceNumber); r.Fingerprint != want {
		t.Fatalf("fingerprint %s, want eip712.Fingerprint = %s", r.Fingerprint.Hex(), want.Hex())
	}
	// The same creditor, debtor and invoice: refused, whatever the amount or dates.
	again := *cmd.Payload.(*SubmitReceivable)
	again.Amount, again.DueDate = 7000, w.date(90)
	w.wantCode(w.as(a, Command{Payload: &again}), CodeDuplicateInvoice, w.hash())
	// Another creditor (or another debtor) with the same invoice number is another invoice.
	w.must(w.as(b, cmd))
	other := *cmd.Payload.(*SubmitReceivable)
	other.DebtorID = core2
	w.must(w.as(a, Command{Payload: &other}))
	// Even once confirmed and settled the fingerprint stays taken on this platform.
	w.confirm(r.ID)
	w.must(w.as(core, settleCmd(r.ID)))
	w.wantCode(w.as(a, cmd), CodeDuplicateInvoice, w.hash())
	w.checkInvariants()
}

// withV returns the signature with its recovery byte v = 27/28 turned into 0/1.
func withV01(t *testing.T, sig string) string {
	b := hexutil.MustDecode(sig)
	if b[64] < 27 {
		t.Fatalf("eip712.Sign gave v=%d, want 27/28", b[64])
	}
	b[64] -= 27
	return hexutil.Encode(b)
}

// docs/api.md POST /v1/receivables/{id}/confirm: "(role core, the debtor) … A signature that
// does not recover to the core's address: 409 invalid_signature, and nothing changes."
func TestAPI_Confirm(t *testing.T) {
	w := newWorld(t)
	sme, core, otherCore, lender := w.sme("", ""), w.core("AAA"), w.core("AA"), w.lender()
	id := w.receivable(sme, core, 1_000_000, 90)
	good := w.confirmCmd(id)
	r := w.rcv(id)
	digest := eip712.ConfirmationDigest(w.domain(), w.m.ConfirmationOf(r))
	wrongMsg := w.m.ConfirmationOf(r)
	wrongMsg.Amount++
	sigWith := func(s string) Command {
		return Command{Payload: &Confirm{ReceivableID: id, Signature: s}}
	}
	goodSig := good.Payload.(*Confirm).Signature
	rows := []struct {
		name  string
		actor string
		cmd   Command
		want  Code
	}{
		{"another core is not a party", otherCore, good, CodeNotFound},
		{"the holder SME may not", sme, good, CodeForbidden},
		{"a lender may not", lender, good, CodeForbidden},
		{"the operator may not", ActorOperator, good, CodeForbidden},
		{"no such receivable", core, Command{Payload: &Confirm{ReceivableID: "rcv_999", Signature: goodSig}}, CodeNotFound},
		{"signed by the SME's key", core, sigWith(w.sign(sme, digest)), CodeInvalidSignature},
		{"signed by another core's key", core, sigWith(w.sign(otherCore, digest)), CodeInvalidSignature},
		{"signature over other terms", core, sigWith(w.sign(core, eip712.ConfirmationDigest(w.domain(), wrongMsg))), CodeInvalidSignature},
		{"signature for another chain", core, sigWith(w.sign(core, eip712.ConfirmationDigest(eip712.Domain{ChainID: 1, VerifyingContract: w.domain().VerifyingContract}, w.m.ConfirmationOf(r)))), CodeInvalidSignature},
		{"v = 29", core, sigWith(goodSig[:130] + "1d"), CodeInvalidSignature},
		{"high-s malleated twin", core, sigWith(malleate(t, goodSig)), CodeInvalidSignature},
		{"64 bytes", core, sigWith(goodSig[:130]), CodeValidation},
		{"66 bytes", core, sigWith(goodSig + "00"), CodeValidation},
		{"no 0x", core, sigWith(goodSig[2:]), CodeValidation},
		{"not hex", core, sigWith("0x" + strings.Repeat("zz", 65)), CodeValidation},
		{"empty", core, sigWith(""), CodeValidation},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			w.tb = t
			w.wantCode(w.as(row.actor, row.cmd), row.want, w.hash())
		})
	}
	w.tb = t
	got := w.must(w.as(core, good)).Receivable
	if got.Status != StatusConfirmed || got.Confirmation == nil || got.Registration != RegPending {
		t.Fatalf("after confirm: %+v, want confirmed with registration pending", got)
	}
	// Twice: the receivable is no longer pending_confirmation.
	w.wantCode(w.as(core, good), CodeInvalidState, w.hash())
}

// docs/api.md confirm: "signature (0x, 65 bytes, v 27/28 or 0/1)".
func TestAPI_Confirm_RecoveryByteBothForms(t *testing.T) {
	for _, form := range []string{"27/28", "0/1"} {
		t.Run(form, func(t *testing.T) {
			w := newWorld(t)
			sme, core := w.sme("", ""), w.core("AAA")
			for i := 0; i < 4; i++ { // both parities of v, with high probability
				id := w.receivable(sme, core, 1000, 60)
				c := w.confirmCmd(id)
				if form == "0/1" {
					c.Payload.(*Confirm).Signature = withV01(t, c.Payload.(*Confirm).Signature)
				}
				w.must(w.as(core, c))
			}
		})
	}
}

// malleate returns (r, n−s, v^1): a valid ECDSA signature of the same digest that
// EIP-2 (low s) refuses, so one confirmation has one signature.
func malleate(t *testing.T, sig string) string {
	b := hexutil.MustDecode(sig)
	n := crypto.S256().Params().N
	s := new(big.Int).SetBytes(b[32:64])
	s.Sub(n, s)
	s.FillBytes(b[32:64])
	b[64] ^= 1
	return hexutil.Encode(b)
}

// docs/api.md confirm: a confirmation needs a ledger to bind the signature's domain to;
// without one the command is unavailable and nothing changes.
func TestAPI_Confirm_NoLedgerIsUnavailable(t *testing.T) {
	w := &world{tb: t, m: New(DefaultConfig()), nowMs: t0, keys: map[string]*ecdsa.PrivateKey{}}
	sme, core := w.sme("", ""), w.core("AAA")
	id := w.receivable(sme, core, 1000, 60)
	c := Command{Payload: &Confirm{ReceivableID: id, Signature: "0x" + strings.Repeat("11", 64) + "1b"}}
	w.wantCode(w.as(core, c), CodeUnavailable, w.hash())
}

// A receivable past its due date can no longer be confirmed: there is nothing left to finance.
func TestAPI_Confirm_PastDueIsInvalidState(t *testing.T) {
	w := newWorld(t)
	sme, core := w.sme("", ""), w.core("AAA")
	id := w.receivable(sme, core, 1000, 10)
	c := w.confirmCmd(id)
	w.advanceDays(10)
	w.wantCode(w.as(core, c), CodeInvalidState, w.hash())
}

// transferWorld is a financeable tier-1 receivable of 1,000,000 fen held by a, and
// two more SMEs b and c.
func transferWorld(t *testing.T) (w *world, a, b, c, core, root string) {
	w = newWorld(t)
	a, b, c, core = w.sme("", ""), w.sme("", ""), w.sme("", ""), w.core("AAA")
	root = w.financeable(a, core, 1_000_000, 120)
	return
}

// docs/api.md POST /v1/receivables/{id}/transfers: "(the holder, role sme) … Needs a
// financeable parent with remaining >= amount; to_id is an SME … A reused
// (holder, salt): 409 invalid_state."
func TestAPI_Transfer_Refusals(t *testing.T) {
	w, a, b, c, core, root := transferWorld(t)
	lender := w.lender()
	pending := w.receivable(a, core, 5000, 60)
	listed := w.financeable(a, core, 5000, 60)
	w.list(listed, 10_000)
	confirmed := w.receivable(a, core, 5000, 60)
	w.confirm(confirmed) // confirmed, registration and anchor pending
	used := w.transferCmd(root, b, 100, salt(7))
	w.must(w.as(a, used))
	bad := func(mut func(*Transfer)) Command {
		cmd := w.transferCmd(root, b, 100, salt(8))
		mut(cmd.Payload.(*Transfer))
		return cmd
	}
	digestFor := func(to string, amount int64, s common.Hash) common.Hash {
		return eip712.TransferDigest(w.domain(), w.m.TransferOf(w.rcv(root), w.m.s.Participants.get(to), amount, s))
	}
	rows := []struct {
		name  string
		actor string
		cmd   Command
		want  Code
	}{
		{"another SME is not a party", c, w.transferCmd(root, b, 100, salt(9)), CodeNotFound},
		{"the debtor core may not", core, w.transferCmd(root, b, 100, salt(9)), CodeForbidden},
		{"a lender may not", lender, w.transferCmd(root, b, 100, salt(9)), CodeForbidden},
		{"pending parent", a, w.transferCmd(pending, b, 100, salt(9)), CodeInvalidState},
		{"confirmed, not anchored parent", a, w.transferCmd(confirmed, b, 100, salt(9)), CodeInvalidState},
		{"listed parent", a, w.transferCmd(listed, b, 100, salt(9)), CodeInvalidState},
		{"amount > remaining", a, w.transferCmd(root, b, 1_000_000-100+1, salt(9)), CodeInsufficientAmount},
		{"amount 0", a, w.transferCmd(root, b, 0, salt(9)), CodeValidation},
		{"amount negative", a, w.transferCmd(root, b, -5, salt(9)), CodeValidation},
		{"to a core", a, bad(func(t *Transfer) { t.ToID = core }), CodeValidation},
		{"to a lender", a, bad(func(t *Transfer) { t.ToID = lender }), CodeValidation},
		{"to nobody", a, bad(func(t *Transfer) { t.ToID = "par_999" }), CodeValidation},
		{"to the holder itself", a, bad(func(t *Transfer) { t.ToID = a }), CodeValidation},
		{"reused (holder, salt)", a, w.transferCmd(root, c, 50, salt(7)), CodeInvalidState},
		{"salt 31 bytes", a, bad(func(t *Transfer) { t.Salt = t.Salt[:64] }), CodeValidation},
		{"salt not hex", a, bad(func(t *Transfer) { t.Salt = "0x" + strings.Repeat("g", 64) }), CodeValidation},
		{"signature 64 bytes", a, bad(func(t *Transfer) { t.Signature = t.Signature[:130] }), CodeValidation},
		{"signed by the recipient", a, bad(func(t *Transfer) { t.Signature = w.sign(b, digestFor(b, 100, salt(8))) }), CodeInvalidSignature},
		{"signed by the core", a, bad(func(t *Transfer) { t.Signature = w.sign(core, digestFor(b, 100, salt(8))) }), CodeInvalidSignature},
		{"signed for another amount", a, bad(func(t *Transfer) { t.Amount = 101 }), CodeInvalidSignature},
		{"signed for another recipient", a, bad(func(t *Transfer) { t.ToID = c }), CodeInvalidSignature},
		{"signed with another salt", a, bad(func(t *Transfer) { t.Salt = salt(10).Hex() }), CodeInvalidSignature},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			w.tb = t
			w.wantCode(w.as(row.actor, row.cmd), row.want, w.hash())
		})
	}
	w.tb = t
	// "A reused (holder, salt)" is per holder: b may use the salt a used.
	w.anchor()
	child := w.rcv(root).Children[0]
	w.must(w.as(b, w.transferCmd(child, c, 40, salt(7))))
	w.checkInvariants()
}

// docs/api.md transfers: "the child receivable: tier = parent's +1, same debtor, due date
// and fingerprint, holder_id = to_id. The parent's remaining drops by amount";
// "creditor_id is the invoice's original creditor (the tier-1 seller), on fragments too";
// contracts/README.md "A fragment becomes financeable when its root is and the transfer leaf
// that created it is anchored"; docs/matching.md §5 "sum of children + remaining = its amount".
func TestAPI_Transfer_SplitsDownTheChain(t *testing.T) {
	w, a, b, c, core, root := transferWorld(t)
	d := w.sme("", "")
	r := w.rcv(root)
	cmd := w.transferCmd(root, b, 300_000, salt(1))
	res := w.must(w.as(a, cmd))
	if res.NewLeaves != 1 {
		t.Fatalf("transfer NewLeaves = %d, want 1", res.NewLeaves)
	}
	f2 := res.Receivable
	want := Receivable{ParentID: root, RootID: root, Tier: 2, CreditorID: a, HolderID: b, DebtorID: core,
		Fingerprint: r.Fingerprint, DueDate: r.DueDate, AmountFen: 300_000, RemainingFen: 300_000, Status: StatusConfirmed}
	got := Receivable{ParentID: f2.ParentID, RootID: f2.RootID, Tier: f2.Tier, CreditorID: f2.CreditorID, HolderID: f2.HolderID,
		DebtorID: f2.DebtorID, Fingerprint: f2.Fingerprint, DueDate: f2.DueDate, AmountFen: f2.AmountFen,
		RemainingFen: f2.RemainingFen, Status: f2.Status}
	if got.ParentID != want.ParentID || got.RootID != want.RootID || got.Tier != want.Tier || got.CreditorID != want.CreditorID ||
		got.HolderID != want.HolderID || got.DebtorID != want.DebtorID || got.Fingerprint != want.Fingerprint ||
		got.DueDate != want.DueDate || got.AmountFen != want.AmountFen || got.RemainingFen != want.RemainingFen || got.Status != want.Status {
		t.Fatalf("fragment = %+v, want %+v", got, want)
	}
	if r.RemainingFen != 700_000 || r.Status != StatusFinanceable {
		t.Fatalf("parent remaining %d status %s, want 700000 financeable", r.RemainingFen, r.Status)
	}
	if f2.Transfer == nil || f2.Transfer.Salt == nil || *f2.Transfer.Salt != salt(1) || f2.Transfer.To != b {
		t.Fatalf("fragment transfer record %+v", f2.Transfer)
	}
	// Not financeable until its transfer leaf is anchored: b can neither list nor pass it on.
	w.wantCode(w.as(b, listCmd(f2.ID, 10_000)), CodeInvalidState, w.hash())
	w.wantCode(w.as(b, w.transferCmd(f2.ID, c, 1, salt(2))), CodeInvalidState, w.hash())
	w.register() // nothing to register: fragments share the root's registration
	if st := w.rcv(f2.ID).Status; st != StatusConfirmed {
		t.Fatalf("fragment %s before its anchor, want confirmed", st)
	}
	w.anchor()
	if st := w.rcv(f2.ID).Status; st != StatusFinanceable {
		t.Fatalf("fragment %s after its anchor, want financeable", st)
	}
	// Tier 3 is reachable, and keeps the original creditor.
	f3 := w.transfer(f2.ID, c, 100_000)
	w.anchor()
	if r3 := w.rcv(f3); r3.Tier != 3 || r3.CreditorID != a || r3.HolderID != c || r3.RootID != root || r3.Status != StatusFinanceable {
		t.Fatalf("tier-3 fragment %+v", r3)
	}
	f4 := w.transfer(f3, d, 100_000) // the whole remaining
	w.anchor()
	if r3 := w.rcv(f3); r3.Status != StatusTransferred || r3.RemainingFen != 0 {
		t.Fatalf("fully passed-on fragment is %s with %d remaining, want transferred with 0", r3.Status, r3.RemainingFen)
	}
	if w.rcv(f4).Tier != 4 {
		t.Fatalf("tier %d, want 4", w.rcv(f4).Tier)
	}
	// "the parent keeps the rest"; the whole remaining passes and the parent is transferred.
	w.transfer(root, c, 700_000)
	if r.Status != StatusTransferred || r.RemainingFen != 0 {
		t.Fatalf("root %s with %d remaining, want transferred with 0", r.Status, r.RemainingFen)
	}
	w.wantCode(w.as(a, w.transferCmd(root, b, 1, salt(99))), CodeInvalidState, w.hash())
	// Money is conserved across the whole tree.
	var leaves int64
	w.m.eachInTree(r, func(x *Receivable) { leaves += x.RemainingFen })
	if leaves != r.AmountFen {
		t.Fatalf("remaining over the tree = %d, want the invoice's %d", leaves, r.AmountFen)
	}
	w.checkInvariants()
}
