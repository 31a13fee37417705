// SPDX-License-Identifier: Apache-2.0

// Package webhook delivers participants' events to the URLs they registered
// (docs/api.md "Webhooks", docs/operations.md "Webhooks"): secrets, signatures and
// the Deliverer, which runs on the one replica that holds the anchor lease.
package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/scfx/scfx/internal/fsutil"
	"github.com/scfx/scfx/matcher"
)

// Headers of a delivery.
const (
	HeaderSignature = "Scfx-Signature"
	HeaderEventID   = "Scfx-Event-Id"
)

// KeyBytes is the size of the operator's webhook key.
const KeyBytes = 32

// KeyID names a webhook key without revealing it: the first 8 bytes of its SHA-256,
// in hex. A registration journals it, so a replica with another key knows it cannot
// sign for that webhook.
func KeyID(key []byte) string {
	h := sha256.Sum256(key)
	return hex.EncodeToString(h[:8])
}

// Secret is a webhook's signing secret: "whsec_" and the hex HMAC-SHA256, under the
// operator's webhook key, of the webhook's id and salt. Every replica with the key
// derives the same secret; the journal (which auditors read) holds only the salt.
func Secret(key []byte, w *matcher.Webhook) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("scfx webhook secret\x00" + w.ID + "\x00" + w.Salt))
	return "whsec_" + hex.EncodeToString(mac.Sum(nil))
}

// NewSalt is 32 random bytes in hex, for a registration.
func NewSalt() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("webhook: no randomness: " + err.Error())
	}
	return hex.EncodeToString(b[:])
}

// Sign is the Scfx-Signature header of body sent at t: "t=<unix seconds>,v1=<hex
// HMAC-SHA256(secret, "<t>.<body>")>", the secret's bytes as the HMAC key.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + mac(secret, ts, body)
}

func mac(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Verify checks a Scfx-Signature header against body, as a receiver does: one of its
// v1 signatures matches and t is within tolerance of now (a replay guard).
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts string
	var sigs []string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sigs = append(sigs, v)
		}
	}
	t, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return errors.New("webhook: malformed signature header")
	}
	if d := now.Sub(time.Unix(t, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("webhook: signature time %d is more than %s from now", t, tolerance)
	}
	want := mac(secret, ts, body)
	for _, s := range sigs {
		if hmac.Equal([]byte(s), []byte(want)) {
			return nil
		}
	}
	return errors.New("webhook: no signature matches")
}

// LoadKey reads the webhook key from path (64 hex digits), creating it with fresh
// random bytes (mode 0600) when it does not exist. Replicas of one journal must share
// the file (docs/operations.md "Webhooks").
func LoadKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		var k [KeyBytes]byte
		if _, err := rand.Read(k[:]); err != nil {
			return nil, err
		}
		if err := fsutil.WriteFileAtomic(path, []byte(hex.EncodeToString(k[:])+"\n"), 0o600); err != nil {
			return nil, fmt.Errorf("webhook key: %w", err)
		}
		return k[:], nil
	}
	if err != nil {
		return nil, fmt.Errorf("webhook key: %w", err)
	}
	k, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(k) < 16 {
		return nil, fmt.Errorf("webhook key %s: want at least 32 hex digits", path)
	}
	return k, nil
}
