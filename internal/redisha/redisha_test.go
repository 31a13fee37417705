// SPDX-License-Identifier: Apache-2.0

package redisha

import (
	"slices"
	"testing"
)

// TestParse: the Sentinel form gives the Sentinels (default port 26379), the master
// name, the database and the passwords; a plain URL is go-redis's; malformed Sentinel
// URLs are refused.
func TestParse(t *testing.T) {
	tg, err := Parse("redis-sentinel://u:pw@h1:26380,h2/mymaster/3?sentinel_password=sp")
	if err != nil {
		t.Fatal(err)
	}
	fo := tg.failover
	if !tg.Sentinel || tg.MasterName != "mymaster" || fo.DB != 3 || fo.Username != "u" || fo.Password != "pw" ||
		fo.SentinelPassword != "sp" || !slices.Equal(fo.SentinelAddrs, []string{"h1:26380", "h2:26379"}) {
		t.Fatalf("Parse = %+v / %+v", tg, fo)
	}
	if tg.Addr != "h1:26380,h2:26379" {
		t.Errorf("Addr = %q", tg.Addr)
	}
	tg, err = Parse("redis-sentinel://h1:1/m")
	if err != nil || tg.failover.DB != 0 || tg.MasterName != "m" {
		t.Fatalf("Parse without a db = %+v, %v", tg, err)
	}
	tg, err = Parse("redis://127.0.0.1:6379/2")
	if err != nil || tg.Sentinel || tg.single.DB != 2 || tg.Addr != "127.0.0.1:6379" {
		t.Fatalf("Parse(redis://) = %+v, %v", tg, err)
	}
	for _, bad := range []string{
		"redis-sentinel://h1:1",           // no master name
		"redis-sentinel://h1:1/m/x",       // db not a number
		"redis-sentinel://h1:1/m/0/extra", // too many parts
		"redis-sentinel://h1:1,,h2:2/m",   // empty address
		"redis-sentinel://h1:99999/m",     // bad port
		"redis-sentinel://:1/m",           // no host
		"redis-sentinel://h1:1/m?foo=bar", // unknown parameter
		"http://h1:1/m",                   // not Redis
	} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) = nil error, want one", bad)
		}
	}
}

// TestWaitFor: WAITAOF from Redis 7.2 on, WAIT before.
func TestWaitFor(t *testing.T) {
	for v, want := range map[string]string{"7.0.15": WaitWAIT, "7.1.0": WaitWAIT, "7.2.4": WaitAOF, "8.0.1": WaitAOF, "6.2": WaitWAIT} {
		if got := waitFor(v); got != want {
			t.Errorf("waitFor(%q) = %s, want %s", v, got, want)
		}
	}
	w := Wait{Command: WaitWAIT, Replicas: 2}
	if err := w.check(1, nil); err == nil {
		t.Error("check(1 of 2) = nil, want ErrNotReplicated")
	}
	if err := w.check(2, nil); err != nil {
		t.Errorf("check(2 of 2) = %v", err)
	}
}
