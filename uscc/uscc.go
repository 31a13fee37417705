// SPDX-License-Identifier: Apache-2.0

// Package uscc validates the unified social credit code (统一社会信用代码) of GB
// 32100-2015, the 18-character identity of every participant (docs/api.md: "18
// characters, valid GB 32100-2015 check digit"). It is pure: no I/O, no clock.
//
// A code is 18 characters from "0123456789ABCDEFGHJKLMNPQRTUWXY" (I, O, Z, S and
// V are never used). Upper case only: lower case is rejected, not normalised, so
// that one organisation has one spelling, and so one invoice fingerprint.
//
//	position  content                                  checked here
//	1         registration authority (登记管理部门码)   one of the codes below
//	2         organisation type (机构类别码)            valid for that authority
//	3-8       administrative division (行政区划码)      six digits
//	9-17      subject identifier (主体标识码)           charset only
//	18        check digit (校验码)                      the GB 32100-2015 formula
//
// Authorities and their organisation types: those of GB 32100-2015 (1 机构编制,
// 5 民政, 9 工商, Y 其他) plus the authorities assigned since and found on real
// codes (2 外交, 3 司法行政, 4 文化, 6 旅游, 7 宗教, 8 工会, A 中央军委改革和编制
// 办公室, N 农业):
//
//	1 机构编制   1 机关, 2 事业单位, 3 中央编办直接管理机构编制的群众团体, 9 其他
//	2 外交       1 外国常驻新闻机构, 9 其他
//	3 司法行政   1 律师执业机构, 2 公证处, 3 基层法律服务所, 4 司法鉴定机构, 5 仲裁委员会, 9 其他
//	4 文化       1 外国在华文化中心, 9 其他
//	5 民政       1 社会团体, 2 民办非企业单位, 3 基金会, 9 其他
//	6 旅游       1 外国旅游部门常驻代表机构, 2 港澳台地区旅游部门常驻内地（大陆）代表机构, 9 其他
//	7 宗教       1 宗教活动场所, 2 宗教院校, 9 其他
//	8 工会       1 基层工会, 9 其他
//	9 工商       1 企业, 2 个体工商户, 3 农民专业合作社
//	A 军委编办   1 军队事业单位, 9 其他
//	N 农业       1 组级集体经济组织, 2 村级集体经济组织, 3 乡镇级集体经济组织, 9 其他
//	Y 其他       1
//
// Not checked, on purpose: that positions 3-8 name a division of the current GB/T
// 2260 (divisions are abolished and renumbered, codes are kept for life; national
// bodies use 100000), and the GB 11714 check character inside positions 9-17
// (codes of 个体工商户 and others do not follow it).
package uscc

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Length is the length of a code, in characters (all ASCII, so also in bytes).
const Length = 18

// charset lists the 31 characters of GB 32100-2015 in order of their value 0..30.
const charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// weights are 3^(i-1) mod 31 for positions i = 1..17 (GB 32100-2015 check digit).
var weights = [Length - 1]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// orgTypes maps each registration authority code to its organisation type codes;
// see the package doc.
var orgTypes = map[byte]string{
	'1': "1239",
	'2': "19",
	'3': "123459",
	'4': "19",
	'5': "1239",
	'6': "129",
	'7': "129",
	'8': "19",
	'9': "123",
	'A': "19",
	'N': "1239",
	'Y': "1",
}

// Reasons a code is invalid, for errors.Is. Check wraps one with the details.
var (
	ErrLength     = errors.New("unified social credit code must be 18 characters")
	ErrCharset    = errors.New("unified social credit code has a character outside 0-9 and A-Y without I, O, S, V, Z")
	ErrAuthority  = errors.New("unknown registration authority code (position 1)")
	ErrOrgType    = errors.New("organisation type code (position 2) not valid for its registration authority")
	ErrDivision   = errors.New("administrative division code (positions 3-8) must be 6 digits")
	ErrCheckDigit = errors.New("check digit (position 18) does not match")
)

// Valid reports whether code is a valid unified social credit code.
func Valid(code string) bool { return Check(code) == nil }

// Check returns nil for a valid code, or an error wrapping one of the Err values
// that says what is wrong and where (positions count from 1). The error never
// repeats the input.
func Check(code string) error {
	if n := utf8.RuneCountInString(code); n != Length {
		return fmt.Errorf("%w, got %d", ErrLength, n)
	}
	if err := checkCharset(code); err != nil {
		return err
	}
	// From here code is 18 ASCII bytes.
	if err := checkAuthority(code[0], code[1]); err != nil {
		return err
	}
	if err := checkDivision(code[2:8]); err != nil {
		return err
	}
	want, err := CheckDigit(code[:Length-1])
	if err != nil {
		return err // unreachable: the charset is checked above
	}
	if code[Length-1] != want {
		return fmt.Errorf("%w: got %c, want %c", ErrCheckDigit, code[Length-1], want)
	}
	return nil
}

// CheckDigit returns the check character of the first 17 characters of a code:
// 31 − (Σ value×weight mod 31), where 31 is written '0'. It checks only the length
// and the character set.
func CheckDigit(first17 string) (byte, error) {
	if n := utf8.RuneCountInString(first17); n != Length-1 {
		return 0, fmt.Errorf("check digit needs the first 17 characters, got %d", n)
	}
	if err := checkCharset(first17); err != nil {
		return 0, err
	}
	sum := 0
	for i := range Length - 1 {
		sum += strings.IndexByte(charset, first17[i]) * weights[i]
	}
	return charset[(31-sum%31)%31], nil
}

// Make returns the code made of authority, orgType, the 6-digit division and the
// 9-character subject identifier body, with its check digit appended. It is for
// tests and demos: Make('9', '1', "310000", "MA1FL0000") is a Shanghai company.
func Make(authority byte, orgType byte, division string, body string) (string, error) {
	if len(division) != 6 {
		return "", fmt.Errorf("%w, got %d characters", ErrDivision, utf8.RuneCountInString(division))
	}
	if n := utf8.RuneCountInString(body); n != 9 {
		return "", fmt.Errorf("subject identifier (positions 9-17) must be 9 characters, got %d", n)
	}
	first17 := string([]byte{authority, orgType}) + division + body
	if err := checkCharset(first17); err != nil {
		return "", err
	}
	if err := checkAuthority(authority, orgType); err != nil {
		return "", err
	}
	if err := checkDivision(division); err != nil {
		return "", err
	}
	check, err := CheckDigit(first17)
	if err != nil {
		return "", err
	}
	return first17 + string(check), nil
}

// checkCharset checks every character of s, the start of a code.
func checkCharset(s string) error {
	pos := 0
	for _, r := range s {
		pos++
		if r < utf8.RuneSelf && strings.IndexByte(charset, byte(r)) >= 0 {
			continue
		}
		switch {
		case r >= 'a' && r <= 'z':
			return fmt.Errorf("%w: lower-case %q at position %d (codes are upper case)", ErrCharset, r, pos)
		case strings.ContainsRune("IOSVZ", r):
			return fmt.Errorf("%w: %q at position %d is never used in codes", ErrCharset, r, pos)
		default:
			return fmt.Errorf("%w: %q at position %d", ErrCharset, r, pos)
		}
	}
	return nil
}

func checkAuthority(authority, orgType byte) error {
	types, ok := orgTypes[authority]
	if !ok {
		return fmt.Errorf("%w: %q", ErrAuthority, authority)
	}
	if strings.IndexByte(types, orgType) < 0 {
		return fmt.Errorf("%w: %q after authority %q (allowed: %s)", ErrOrgType, orgType, authority, types)
	}
	return nil
}

func checkDivision(division string) error {
	for i := range len(division) {
		if division[i] < '0' || division[i] > '9' {
			return fmt.Errorf("%w: %q at position %d", ErrDivision, division[i], 3+i)
		}
	}
	return nil
}
