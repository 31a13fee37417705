// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"encoding/hex"
	"testing"
)

// A golden record: a command and its encoding in hex.
type golden struct {
	name string
	cmd  Command
	hex  string
}

// goldenCommands is one command of every kind, with the older encodings of List (no
// minimum fill) and PostOffer (no rate curve) beside the newer ones, and the bytes
// the journal holds for each. Journals written with these bytes must keep decoding to
// the same commands, and the same commands must keep encoding to the same bytes.
var goldenCommands = []golden{
	{"create_cluster", Command{Actor: ActorOperator, IdemKey: "k1", IdemHash: "h1", Payload: &CreateCluster{
		Name: "苏州工业园区", CountyCode: "320571", Level: LevelNational, Industry: "C35", ValidUntil: "2030-12-31"}},
		"b10e6372656174655f636c7573746572086f70657261746f72026b310268310112e88b8fe5b79ee5b7a5e4b89ae59bade58cba06333230353731086e6174696f6e616c034333350a323033302d31322d3331"},
	{"create_participant", Command{Actor: ActorOperator, Payload: &CreateParticipant{
		Name: "苏州精密制造有限公司", USCC: "91320500MA1X2Y3Z4A", Role: "sme", Address: "0xabc", ClusterID: "clu_1",
		Certification: "specialized", CertificationValidUntil: "2027-01-01", Rating: "AA", TokenHash: "ff"}},
		"b1126372656174655f7061727469636970616e74086f70657261746f720000021ee88b8fe5b79ee7b2bee5af86e588b6e980a0e69c89e99990e585ace58fb81239313332303530304d4131583259335a344103736d6505307861626305636c755f310b7370656369616c697a65640a323032372d30312d3031024141026666"},
	{"submit_receivable", Command{Actor: "par_1", Payload: &SubmitReceivable{
		DebtorID: "par_2", InvoiceNumber: "INV-001", Amount: 1_000_000_00, Currency: "CNY", IssueDate: "2026-01-01", DueDate: "2026-04-01"}},
		"b1117375626d69745f72656365697661626c65057061725f31000003057061725f3207494e562d3030318084af5f03434e590a323032362d30312d30310a323032362d30342d3031"},
	{"confirm", Command{Actor: "par_2", Payload: &Confirm{ReceivableID: "rcv_1", Signature: "0xsig"}},
		"b107636f6e6669726d057061725f32000004057263765f31053078736967"},
	{"transfer", Command{Actor: "par_1", Payload: &Transfer{ReceivableID: "rcv_1", ToID: "par_4", Amount: -5, Salt: "0x01", Signature: "0x02"}},
		"b1087472616e73666572057061725f31000005057263765f31057061725f340904307830310430783032"},
	{"list", Command{Actor: "par_1", Payload: &List{ReceivableID: "rcv_1", MaxRateBps: 500}},
		"b1046c697374057061725f31000006057263765f31e807"},
	{"list_fill", Command{Actor: "par_1", Payload: &List{ReceivableID: "rcv_1", MaxRateBps: 500, MinFillFen: 1000}},
		"b1046c697374057061725f31000014057263765f31e807d00f"},
	{"cancel_listing", Command{Actor: "par_1", Payload: &CancelListing{ListingID: "lst_1"}},
		"b10e63616e63656c5f6c697374696e67057061725f31000007056c73745f31"},
	{"post_offer", Command{Actor: "par_3", IdemKey: "k", IdemHash: "h", Payload: &PostOffer{
		CoreID: "par_2", LineAmount: 1 << 40, RatesBps: Rates{A: 300, B: 400, C: 500}, MinScore: 55,
		MaxTenorDays: 180, MinTicket: 1, MaxTicket: 1 << 50, ClusterIDs: []string{"clu_1", "clu_2"}, MinCertification: "innovative"}},
		"b10a706f73745f6f66666572057061725f33016b016808057061725f32808080808040d804a006e8076ee8020280808080808080040205636c755f3105636c755f320a696e6e6f766174697665"},
	{"post_offer_curve", Command{Actor: "par_3", Payload: &PostOffer{CoreID: "par_2", LineAmount: 9, MaxTenorDays: 90,
		RateCurve: &RateCurve{BaseBps: 300, BpsPer100Points: 12, MaxBps: 600}, ClusterIDs: []string{"clu_1"}}},
		"b10a706f73745f6f66666572057061725f33000017057061725f321200000000b40100000105636c755f3100d80418b009"},
	{"cancel_offer", Command{Actor: "par_3", Payload: &CancelOffer{OfferID: "off_1"}},
		"b10c63616e63656c5f6f66666572057061725f33000009056f66665f31"},
	{"fund", Command{Actor: "par_3", Payload: &Fund{MatchID: "mat_1", Reference: "电汇 001"}},
		"b10466756e64057061725f3300000a056d61745f310ae794b5e6b18720303031"},
	{"settle", Command{Actor: "par_2", Payload: &Settle{ReceivableID: "rcv_1", Reference: "r"}},
		"b106736574746c65057061725f3200000b057263765f310172"},
	{"tick", Command{Actor: ActorSystem, Payload: &Tick{}},
		"b1047469636b0673797374656d0000"},
	{"set_ledger", Command{Actor: ActorSystem, Payload: &SetLedger{ChainID: 1337, Registry: "0x1", Platform: "0x2", Anchorer: "0x3"}},
		"b10a7365745f6c65646765720673797374656d00000cb90a033078310330783203307833"},
	{"record_registrations", Command{Actor: ActorSystem, Payload: &RecordRegistrations{First: 7, TxHash: "0x9", Fence: 3,
		Results: []RegResult{{Fingerprint: "0x1"}, {Fingerprint: "0x2", Duplicate: true, ExistingRef: "0x3"}}}},
		"b1147265636f72645f726567697374726174696f6e730673797374656d00000d07020330783100000330783201033078330330783903"},
	{"record_anchor", Command{Actor: ActorSystem, Payload: &RecordAnchor{FirstLeaf: 1, Count: 1000, Root: "0xr", TxHash: "0xt", Block: 99, Fence: 2}},
		"b10d7265636f72645f616e63686f720673797374656d00000e01d00f03307872033078746302"},
	{"cut_batch", Command{Actor: ActorSystem, Payload: &CutBatch{FirstLeaf: 300, Count: 64, Fence: 5}},
		"b1096375745f62617463680673797374656d00000fac02800105"},
	{"cut_batch", Command{Actor: ActorSystem, Payload: &CutBatch{FirstLeaf: 300, Count: 64, Fence: 5,
		Head: &CutHead{Size: 1000, Root: "0xa", StateHash: "0xb"}}},
		"b1096375745f62617463680673797374656d000032ac02800105e8070330786103307862"},
	{"issue_token", Command{Actor: "par_2", Payload: &IssueToken{ParticipantID: "par_2", TokenHash: "ab", ExpiresMs: 1_700_000_000_000}},
		"b10b69737375655f746f6b656e057061725f32000010057061725f3202616280a0abfef962"},
	{"revoke_token", Command{Actor: ActorOperator, Payload: &RevokeToken{ParticipantID: "par_2", TokenID: "tok_1"}},
		"b10c7265766f6b655f746f6b656e086f70657261746f72000011057061725f3205746f6b5f31"},
	{"set_participant_status", Command{Actor: ActorOperator, Payload: &SetStatus{ParticipantID: "par_2", Status: "suspended"}},
		"b1167365745f7061727469636970616e745f737461747573086f70657261746f72000012057061725f320973757370656e646564"},
	{"reject", Command{Actor: "par_1", IdemKey: "k", IdemHash: "h", Payload: &Reject{Error: Error{Code: CodeValidation, Detail: "amount: must be positive",
		Fields: []FieldError{{Field: "amount", Message: "must be positive"}}}}},
		"b10672656a656374057061725f31016b0168131176616c69646174696f6e5f6661696c656418616d6f756e743a206d75737420626520706f7369746976650106616d6f756e74106d75737420626520706f736974697665"},
	{"set_book_mode", Command{Actor: ActorOperator, Payload: &SetBookMode{CoreID: "par_2", Mode: BookAuction}},
		"b10d7365745f626f6f6b5f6d6f6465086f70657261746f72000015057061725f320761756374696f6e"},
	{"clear_auction", Command{Actor: ActorSystem, Payload: &ClearAuction{CoreID: "par_2"}},
		"b10d636c6561725f61756374696f6e0673797374656d000016057061725f32"},
}

// The binary encoding of every kind is fixed: each golden command encodes to the
// golden bytes, and the golden bytes decode to the command.
func TestCodecGolden(t *testing.T) {
	for _, g := range goldenCommands {
		b := mustEncode(t, g.cmd)
		if got := hex.EncodeToString(b); got != g.hex {
			t.Errorf("%s: encoded %s\nwant       %s", g.name, got, g.hex)
		}
		want, err := hex.DecodeString(g.hex)
		if err != nil {
			t.Fatal(err)
		}
		c, err := DecodeCommand(want)
		if err != nil || !sameCommand(c, g.cmd) {
			t.Errorf("%s: decoded %+v, %v; want %+v", g.name, c, err, g.cmd)
		}
	}
}

// Every kind, and every payload tag of a kind, has a golden command.
func TestCodecGoldenCoversEveryKind(t *testing.T) {
	seen := goldenKinds()
	tags := map[byte]bool{}
	for _, g := range goldenCommands {
		head := encoder{b: []byte{binaryMagic}}
		for _, s := range []string{string(g.cmd.Kind()), g.cmd.Actor, g.cmd.IdemKey, g.cmd.IdemHash} {
			head.str(s)
		}
		if b := mustEncode(t, g.cmd); len(b) > len(head.b) {
			tags[b[len(head.b)]] = true
		}
	}
	for _, k := range kinds() {
		if !seen[k] {
			t.Errorf("no golden command of kind %s", k)
		}
		for _, tag := range commands.byKind[string(k)].tags {
			if !tags[tag] {
				t.Errorf("no golden command of kind %s with payload tag %d", k, tag)
			}
		}
	}
}

// BenchmarkEncodeCommand: one op encodes the golden commands, one of every kind.
func BenchmarkEncodeCommand(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		for _, g := range goldenCommands {
			if _, err := EncodeCommand(g.cmd); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkDecodeCommand: one op decodes the golden records, one of every kind.
func BenchmarkDecodeCommand(b *testing.B) {
	raw := make([][]byte, len(goldenCommands))
	for i, g := range goldenCommands {
		raw[i] = mustEncode(b, g.cmd)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, r := range raw {
			if _, err := DecodeCommand(r); err != nil {
				b.Fatal(err)
			}
		}
	}
}
