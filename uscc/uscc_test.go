// SPDX-License-Identifier: Apache-2.0

package uscc

import (
	"errors"
	"strings"
	"testing"
)

// Codes as published (business licences, public registries); they were not
// produced by this package.
var publishedCodes = []string{
	"91350100M000100Y43", // the sample printed in guides to GB 32100-2015
	"91330100799655058B",
	"9144030071526726XG",
	"91440300708461136T",
	"91110000802100433B",
	"91110108551385082Q",
	"11100000000013127D", // a national body: division 100000
	"12100000400000624D",
}

func TestPublishedCodesValid(t *testing.T) {
	for _, code := range publishedCodes {
		if err := Check(code); err != nil {
			t.Errorf("Check(%s) = %v, want nil", code, err)
		}
	}
}

func TestWeightsArePowersOf3(t *testing.T) {
	w := 1
	for i, got := range weights {
		if got != w {
			t.Errorf("weights[%d] = %d, want 3^%d mod 31 = %d", i, got, i, w)
		}
		w = w * 3 % 31
	}
}

func TestCheckDigitKnown(t *testing.T) {
	// Σ value×weight of 91350100M000100Y4 is 9·1+1·3+3·9+5·27+0+1·26+0+0+21·20
	// +0+0+0+1·8+0+0+30·30+4·28 = 1640; 1640 mod 31 = 28; 31−28 = 3.
	got, err := CheckDigit("91350100M000100Y4")
	if err != nil || got != '3' {
		t.Errorf("CheckDigit(91350100M000100Y4) = %q, %v, want '3'", got, err)
	}
	// When the sum is a multiple of 31 the check is 31, written '0'.
	found := false
	for _, body := range []string{"000000000", "00000000A", "0000000A0", "000000A00", "00000A000", "0000A0000"} {
		for c := range 31 {
			first17 := "91110000" + body[:8] + string(charset[c])
			sum := 0
			for i := range 17 {
				sum += strings.IndexByte(charset, first17[i]) * weights[i]
			}
			if sum%31 != 0 {
				continue
			}
			found = true
			if got, err := CheckDigit(first17); err != nil || got != '0' {
				t.Errorf("CheckDigit(%s) with Σ %d = %q, %v, want '0'", first17, sum, got, err)
			}
		}
	}
	if !found {
		t.Fatal("no first17 with Σ ≡ 0 (mod 31) among the candidates: the test tests nothing")
	}
}

// makeValidCodes returns one code for every authority and organisation type of
// the package doc, over varied divisions and bodies.
func makeValidCodes(t *testing.T) []string {
	t.Helper()
	divisions := []string{"110000", "310115", "440300", "100000", "650102", "820000"}
	bodies := []string{"MA1FL0000", "799655058", "M000100Y4", "0000000XY", "HJKLMNPQR", "TUWXY1234"}
	var codes []string
	i := 0
	for _, authority := range []byte("123456789ANY") {
		for _, orgType := range []byte(orgTypes[authority]) {
			code, err := Make(authority, orgType, divisions[i%len(divisions)], bodies[i%len(bodies)])
			if err != nil {
				t.Fatalf("Make(%c, %c, …) = %v", authority, orgType, err)
			}
			codes = append(codes, code)
			i++
		}
	}
	return codes
}

func TestMadeCodesValid(t *testing.T) {
	for _, code := range makeValidCodes(t) {
		if err := Check(code); err != nil {
			t.Errorf("Check(%s) = %v, want nil", code, err)
		}
		if want, err := CheckDigit(code[:17]); err != nil || code[17] != want {
			t.Errorf("CheckDigit(%s) = %q, %v, want %q", code[:17], want, err, code[17])
		}
	}
	if got, err := Make('9', '1', "310000", "MA1FL0000"); err != nil || !Valid(got) || !strings.HasPrefix(got, "91310000MA1FL0000") {
		t.Errorf("Make('9', '1', 310000, MA1FL0000) = %s, %v", got, err)
	}
}

// The check digit catches every single-character substitution: the sum moves by
// (v'−v)·w, and neither factor is 0 mod the prime 31.
func TestEverySubstitutionRejected(t *testing.T) {
	codes := append(makeValidCodes(t), publishedCodes...)
	for _, code := range codes {
		for pos := range Length {
			for c := range len(charset) {
				if charset[c] == code[pos] {
					continue
				}
				bad := code[:pos] + string(charset[c]) + code[pos+1:]
				if Valid(bad) {
					t.Fatalf("Valid(%s) = true, changed from %s at position %d", bad, code, pos+1)
				}
				if want, _ := CheckDigit(bad[:17]); want == bad[17] {
					t.Fatalf("check digit of %s still matches after changing position %d", bad, pos+1)
				}
			}
		}
	}
}

// Adjacent transpositions are caught too: the sum moves by (a−b)·w·(1−3).
func TestAdjacentTranspositionRejected(t *testing.T) {
	for _, code := range append(makeValidCodes(t), publishedCodes...) {
		for pos := range Length - 1 {
			if code[pos] == code[pos+1] {
				continue
			}
			b := []byte(code)
			b[pos], b[pos+1] = b[pos+1], b[pos]
			if Valid(string(b)) {
				t.Errorf("Valid(%s) = true, %s with positions %d and %d swapped", b, code, pos+1, pos+2)
			}
		}
	}
}

func TestCheckReasons(t *testing.T) {
	const good = "91350100M000100Y43"
	withCheck := func(first17 string) string {
		c, err := CheckDigit(first17)
		if err != nil {
			t.Fatalf("CheckDigit(%s): %v", first17, err)
		}
		return first17 + string(c)
	}
	cases := []struct {
		name, code string
		want       error
	}{
		{"empty", "", ErrLength},
		{"17", good[:17], ErrLength},
		{"19", good + "0", ErrLength},
		{"36", good + good, ErrLength},
		{"18 CJK", strings.Repeat("统", 18), ErrCharset},
		{"full-width digit", "９" + good[1:], ErrCharset},
		{"lower case", strings.ToLower(good), ErrCharset},
		{"lower case check", "9144030071526726Xg", ErrCharset},
		{"I", good[:10] + "I" + good[11:], ErrCharset},
		{"O", good[:10] + "O" + good[11:], ErrCharset},
		{"Z", good[:10] + "Z" + good[11:], ErrCharset},
		{"S", good[:10] + "S" + good[11:], ErrCharset},
		{"V", good[:10] + "V" + good[11:], ErrCharset},
		{"hyphen", "91350100-000100Y43", ErrCharset},
		{"space", " 1350100M000100Y43", ErrCharset},
		{"NUL", "\x001350100M000100Y43", ErrCharset},
		{"invalid UTF-8", "\xff1350100M000100Y43", ErrCharset},
		{"authority 0", withCheck("01350100M000100Y4"), ErrAuthority},
		{"authority B", withCheck("B1350100M000100Y4"), ErrAuthority},
		{"type 94", withCheck("94350100M000100Y4"), ErrOrgType},
		{"type 99", withCheck("99350100M000100Y4"), ErrOrgType},
		{"type Y2", withCheck("Y2350100M000100Y4"), ErrOrgType},
		{"type 1A", withCheck("1A350100M000100Y4"), ErrOrgType},
		{"division letter", withCheck("9135A100M000100Y4"), ErrDivision},
		{"division end", withCheck("9135010AM000100Y4"), ErrDivision},
		{"check digit", good[:17] + "4", ErrCheckDigit},
	}
	for _, c := range cases {
		err := Check(c.code)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: Check(%q) = %v, want %v", c.name, c.code, err, c.want)
		}
		if Valid(c.code) {
			t.Errorf("%s: Valid(%q) = true", c.name, c.code)
		}
		if err != nil && len(c.code) > 1 && strings.Contains(err.Error(), c.code) {
			t.Errorf("%s: Check error %q repeats the input", c.name, err)
		}
	}
}

func TestCheckDigitRejects(t *testing.T) {
	for _, in := range []string{"", "91350100M000100Y", "91350100M000100Y43", "91350100m000100Y4", "91350100M00010OY4"} {
		if got, err := CheckDigit(in); err == nil {
			t.Errorf("CheckDigit(%q) = %q, nil, want an error", in, got)
		}
	}
}

func TestMakeRejects(t *testing.T) {
	cases := []struct {
		authority, orgType byte
		division, body     string
	}{
		{'9', '1', "31000", "MA1FL0000"},
		{'9', '1', "3100000", "MA1FL0000"},
		{'9', '1', "31000A", "MA1FL0000"},
		{'9', '1', "310000", "MA1FL000"},
		{'9', '1', "310000", "MA1FL00000"},
		{'9', '1', "310000", "MA1FLO000"},
		{'9', '4', "310000", "MA1FL0000"},
		{'Z', '1', "310000", "MA1FL0000"},
		{'9', 0xe7, "310000", "MA1FL0000"},
		{'9', '1', "统一", "MA1FL0000"},
	}
	for _, c := range cases {
		if got, err := Make(c.authority, c.orgType, c.division, c.body); err == nil {
			t.Errorf("Make(%q, %q, %q, %q) = %s, nil, want an error", c.authority, c.orgType, c.division, c.body, got)
		}
	}
}

func FuzzCheck(f *testing.F) {
	for _, code := range publishedCodes {
		f.Add(code)
	}
	for _, s := range []string{"", "9", "91350100M000100Y4", "91350100M000100Y44", "91350100m000100y43",
		"91350100M000100Y430", strings.Repeat("统", 18), "Y1100000000000000X", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		err := Check(code)
		if Valid(code) != (err == nil) {
			t.Fatalf("Valid(%q) = %v but Check = %v", code, Valid(code), err)
		}
		if err != nil {
			if errors.Is(err, ErrCheckDigit) {
				// Only the check digit is wrong: the right one makes it valid.
				want, cerr := CheckDigit(code[:17])
				if cerr != nil || !Valid(code[:17]+string(want)) {
					t.Fatalf("Check(%q) = %v, but fixing the check digit does not help (%v)", code, err, cerr)
				}
			}
			return
		}
		if len(code) != Length {
			t.Fatalf("Valid(%q) with %d bytes", code, len(code))
		}
		want, cerr := CheckDigit(code[:17])
		if cerr != nil || want != code[17] {
			t.Fatalf("Valid(%q) but CheckDigit(%q) = %q, %v", code, code[:17], want, cerr)
		}
	})
}

func BenchmarkCheck(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if Check("91350100M000100Y43") != nil {
			b.Fatal("invalid")
		}
	}
}
