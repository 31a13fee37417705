// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"slices"

	"github.com/scfx/scfx/eip712"
	"github.com/scfx/scfx/merkle"
)

// Rules of docs/api.md "SME and core enterprise".
const (
	maxAmountFen      = 1_000_000_000_000_000 // 10^15 fen
	invoiceNumberMin  = 8
	invoiceNumberMax  = 20
	currencyCNY       = "CNY"
	maxTier           = 10   // a chain deeper than this is not a supply chain we can price
	maxChildren       = 1000 // fragments split from one receivable
	issueDateLeadDays = 1    // an invoice dated tomorrow (UTC) is today in Beijing
	signatureLen      = 65
	saltLen           = 32
)

func validInvoiceNumber(s string) bool {
	if len(s) < invoiceNumberMin || len(s) > invoiceNumberMax {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-'
		if !ok {
			return false
		}
	}
	return true
}

func checkAmount(field string, v int64) *Error {
	if v <= 0 || v > maxAmountFen {
		return fieldErr(field, "must be between 1 and 10^15 fen")
	}
	return nil
}

func (m *Matcher) submitReceivable(actor string, c *SubmitReceivable) (Result, *Error) {
	creditor, err := m.actor(actor, RoleSME)
	if err != nil {
		return Result{}, err
	}
	debtor := m.s.Participants.get(c.DebtorID)
	if debtor == nil || debtor.Role != RoleCore {
		return Result{}, fieldErr("debtor_id", "must be a core enterprise")
	}
	if !validInvoiceNumber(c.InvoiceNumber) {
		return Result{}, fieldErr("invoice_number", "must be 8-20 characters of 0-9, A-Z, a-z and -")
	}
	if err := checkAmount("amount", c.Amount); err != nil {
		return Result{}, err
	}
	if c.Currency != currencyCNY {
		return Result{}, fieldErr("currency", "must be CNY")
	}
	issue, due, err := m.checkDates(c.IssueDate, c.DueDate)
	if err != nil {
		return Result{}, err
	}
	fp := eip712.Fingerprint(debtor.USCC, creditor.USCC, c.InvoiceNumber)
	if id, dup := m.s.Fingerprints[fp]; dup {
		return Result{}, errorf(CodeDuplicateInvoice, "invoice %s is already on the platform (%s)", c.InvoiceNumber, id)
	}
	m.s.Counters.Receivable++
	r := &Receivable{
		ID: makeID(prefixReceivable, m.s.Counters.Receivable), Tier: 1,
		CreditorID: creditor.ID, HolderID: creditor.ID, DebtorID: debtor.ID,
		InvoiceNumber: c.InvoiceNumber, Fingerprint: fp, AmountFen: c.Amount, RemainingFen: c.Amount,
		Currency: c.Currency, IssueDate: issue, DueDate: due, Status: StatusPending, CreatedMs: m.nowMs,
	}
	r.RootID = r.ID
	m.s.Receivables.put(r.ID, r)
	m.emitReceivable(r, true)
	m.setFingerprint(fp, r.ID)
	m.ix.addReceivable(r)
	return Result{Receivable: r}, nil
}

func (m *Matcher) checkDates(issueS, dueS string) (Date, Date, *Error) {
	issue, err := parseDateField("issue_date", issueS)
	if err != nil {
		return 0, 0, err
	}
	due, err := parseDateField("due_date", dueS)
	if err != nil {
		return 0, 0, err
	}
	today := m.Today()
	switch {
	case issue > today+issueDateLeadDays:
		return 0, 0, fieldErr("issue_date", "must not be in the future")
	case due <= issue:
		return 0, 0, fieldErr("due_date", "must be after the issue date")
	case due <= today:
		return 0, 0, fieldErr("due_date", "must be after today")
	case int(due-issue) > m.cfg.MaxTermDays:
		return 0, 0, fieldErr("due_date", "must be at most %d days after the issue date", m.cfg.MaxTermDays)
	}
	return issue, due, nil
}

// visibleReceivable finds a receivable the actor is party to (docs/api.md "Conventions" (visibility)):
// to anyone else it does not exist.
func (m *Matcher) visibleReceivable(actor, id string) (*Receivable, *Error) {
	r := m.s.Receivables.get(id)
	if r == nil || !m.isParty(actor, r) {
		return nil, notFound("receivable", id)
	}
	return r, nil
}

// isParty: the holder, the debtor, a lender of a match on it, or the operator.
func (m *Matcher) isParty(actor string, r *Receivable) bool {
	if actor == r.HolderID || actor == r.DebtorID || m.seesAll(actor) {
		return true
	}
	for _, l := range r.Lenders {
		if l == actor {
			return true
		}
	}
	return false
}

func (m *Matcher) domain() (eip712.Domain, *Error) {
	if m.s.Ledger == nil {
		return eip712.Domain{}, errorf(CodeUnavailable, "the ledger is not configured yet")
	}
	return eip712.Domain{ChainID: m.s.Ledger.ChainID, VerifyingContract: m.s.Ledger.Registry}, nil
}

func parseSignature(s string) ([]byte, *Error) {
	b, err := hexutil.Decode(s)
	if err != nil || len(b) != signatureLen {
		return nil, fieldErr("signature", "must be 0x and 65 bytes of hex")
	}
	// One signature has two spellings (v 0/1 or 27/28); keep one so that its leaf,
	// which hashes the bytes, is the same whichever a wallet sent.
	if b[64] < 27 {
		b[64] += 27
	}
	return b, nil
}

// ConfirmationOf is the EIP-712 message a core signs to confirm r.
func (m *Matcher) ConfirmationOf(r *Receivable) eip712.Confirmation {
	return eip712.Confirmation{
		Receivable: r.ID, Fingerprint: r.Fingerprint,
		Creditor: m.s.Participants.get(r.CreditorID).Address, Debtor: m.s.Participants.get(r.DebtorID).Address,
		Amount: uint64(r.AmountFen), Currency: r.Currency, DueDate: uint64(r.DueDate.Unix()),
	}
}

// debtorsReceivable finds receivable id for a core acting as its debtor: another
// core is not a party (not_found), a party that is not the debtor is forbidden.
func (m *Matcher) debtorsReceivable(actor, id, verb string) (*Participant, *Receivable, *Error) {
	core, err := m.actor(actor, RoleCore)
	if err != nil {
		return nil, nil, err
	}
	r, err := m.visibleReceivable(actor, id)
	if err != nil {
		return nil, nil, err
	}
	if r.DebtorID != core.ID {
		return nil, nil, forbidden("only the debtor core %s a receivable", verb)
	}
	return core, r, nil
}

func (m *Matcher) confirm(actor string, c *Confirm) (Result, *Error) {
	core, r, err := m.debtorsReceivable(actor, c.ReceivableID, "confirms")
	if err != nil {
		return Result{}, err
	}
	if r.Status != StatusPending {
		return Result{}, invalidState("receivable %s is %s, not pending_confirmation", r.ID, r.Status)
	}
	if r.DueDate <= m.Today() {
		return Result{}, invalidState("receivable %s is past its due date", r.ID)
	}
	sig, err := parseSignature(c.Signature)
	if err != nil {
		return Result{}, err
	}
	dom, err := m.domain()
	if err != nil {
		return Result{}, err
	}
	digest := eip712.ConfirmationDigest(dom, m.ConfirmationOf(r))
	if !m.signedBy(digest, sig, core.Address) {
		return Result{}, errorf(CodeInvalidSignature, "the signature does not recover to the debtor core's address")
	}
	r.Status = StatusConfirmed
	m.emitReceivable(r, false)
	r.Confirmation = &Signed{Signer: core.Address, Signature: hexutil.Encode(sig), Digest: digest, AtMs: m.nowMs}
	r.Registration = RegPending
	m.pushRegistration(r)
	m.pushLeaf(r, merkle.KindConfirmation, merkle.ConfirmationLeaf(r.ID, digest, sig), "")
	m.ix.addDue(r)
	return Result{Receivable: r, NewLeaves: 1, NewRegs: 1}, nil
}

// TransferOf is the EIP-712 message a holder signs to pass amount of r to to.
func (m *Matcher) TransferOf(r *Receivable, to *Participant, amount int64, salt common.Hash) eip712.Transfer {
	return eip712.Transfer{
		Receivable: r.ID, From: m.s.Participants.get(r.HolderID).Address, To: to.Address,
		Amount: uint64(amount), Salt: salt,
	}
}

func (m *Matcher) transfer(actor string, c *Transfer) (Result, *Error) {
	holder, err := m.actor(actor, RoleSME)
	if err != nil {
		return Result{}, err
	}
	parent, err := m.visibleReceivable(actor, c.ReceivableID)
	if err != nil {
		return Result{}, err
	}
	if parent.HolderID != holder.ID {
		return Result{}, forbidden("only the holder transfers a receivable")
	}
	to, salt, sig, err := m.checkTransferInput(holder, c)
	if err != nil {
		return Result{}, err
	}
	if err := m.checkTransferState(parent, holder, c.Amount, salt); err != nil {
		return Result{}, err
	}
	dom, err := m.domain()
	if err != nil {
		return Result{}, err
	}
	digest := eip712.TransferDigest(dom, m.TransferOf(parent, to, c.Amount, salt))
	if !m.signedBy(digest, sig, holder.Address) {
		return Result{}, errorf(CodeInvalidSignature, "the signature does not recover to the holder's address")
	}
	child := m.split(parent, to, c.Amount)
	child.Transfer = &Signed{Signer: holder.Address, Signature: hexutil.Encode(sig), Digest: digest, Salt: &salt, To: to.ID, AtMs: m.nowMs}
	m.setSalt(saltKey(holder.ID, salt))
	m.pushLeaf(child, merkle.KindTransfer, merkle.TransferLeaf(child.ID, parent.ID, digest, sig), "")
	return Result{Receivable: child, NewLeaves: 1}, nil
}

func saltKey(holderID string, salt common.Hash) string { return holderID + "|" + salt.Hex() }

func (m *Matcher) checkTransferInput(holder *Participant, c *Transfer) (*Participant, common.Hash, []byte, *Error) {
	to := m.s.Participants.get(c.ToID)
	if to == nil || to.Role != RoleSME {
		return nil, common.Hash{}, nil, fieldErr("to_id", "must be an SME")
	}
	if to.ID == holder.ID {
		return nil, common.Hash{}, nil, fieldErr("to_id", "must not be the holder itself")
	}
	if err := checkAmount("amount", c.Amount); err != nil {
		return nil, common.Hash{}, nil, err
	}
	sb, derr := hexutil.Decode(c.Salt)
	if derr != nil || len(sb) != saltLen {
		return nil, common.Hash{}, nil, fieldErr("salt", "must be 0x and 32 bytes of hex")
	}
	sig, err := parseSignature(c.Signature)
	if err != nil {
		return nil, common.Hash{}, nil, err
	}
	return to, common.BytesToHash(sb), sig, nil
}

func (m *Matcher) checkTransferState(parent *Receivable, holder *Participant, amount int64, salt common.Hash) *Error {
	switch {
	case parent.Status != StatusFinanceable:
		return invalidState("receivable %s is %s, not financeable", parent.ID, parent.Status)
	case parent.DueDate <= m.Today():
		return invalidState("receivable %s is past its due date", parent.ID)
	case parent.Tier >= maxTier:
		return invalidState("receivable %s is at tier %d, the deepest allowed", parent.ID, parent.Tier)
	case len(parent.Children) >= maxChildren:
		return invalidState("receivable %s already has %d fragments", parent.ID, maxChildren)
	case m.s.Salts[saltKey(holder.ID, salt)]:
		return invalidState("salt %s was already used by this holder", salt.Hex())
	case parent.HolderPaidFen > 0:
		return invalidState("receivable %s is being paid by the core", parent.ID)
	case parent.RemainingFen < amount:
		return errorf(CodeInsufficientAmount, "receivable %s has %d fen remaining, asked %d", parent.ID, parent.RemainingFen, amount)
	}
	return nil
}

// split moves amount of parent into a new fragment held by to: one tier deeper, the
// same debtor, due date and fingerprint. Money is conserved.
func (m *Matcher) split(parent *Receivable, to *Participant, amount int64) *Receivable {
	m.s.Counters.Receivable++
	child := &Receivable{
		ID: makeID(prefixReceivable, m.s.Counters.Receivable), ParentID: parent.ID, RootID: parent.RootID,
		Tier: parent.Tier + 1, CreditorID: parent.CreditorID, HolderID: to.ID, DebtorID: parent.DebtorID,
		InvoiceNumber: parent.InvoiceNumber, Fingerprint: parent.Fingerprint,
		AmountFen: amount, RemainingFen: amount, Currency: parent.Currency,
		IssueDate: parent.IssueDate, DueDate: parent.DueDate, Status: StatusConfirmed, CreatedMs: m.nowMs,
	}
	parent.RemainingFen -= amount
	parent.Children = append(parent.Children, child.ID)
	if parent.RemainingFen == 0 {
		parent.Status = StatusTransferred
		m.emitReceivable(parent, false)
	}
	m.s.Receivables.put(child.ID, child)
	m.emitReceivable(child, true)
	m.ix.addReceivable(child)
	return child
}

// copy is a snapshot of r for a result; it shares nothing mutable with r.
func (r *Receivable) copy() *Receivable {
	cp := *r
	cp.Children = append([]string(nil), r.Children...)
	cp.Leaves = append([]uint64(nil), r.Leaves...)
	cp.Lenders = append([]string(nil), r.Lenders...)
	cp.MatchIDs = slices.Clone(r.MatchIDs)
	cp.Payments = slices.Clone(r.Payments)
	if r.CreditNotes != nil {
		cp.CreditNotes = make([]CreditNote, len(r.CreditNotes))
		for i, n := range r.CreditNotes {
			n.Allocations = slices.Clone(n.Allocations)
			cp.CreditNotes[i] = n
		}
	}
	return &cp
}
