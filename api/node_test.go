// SPDX-License-Identifier: Apache-2.0

package api

import (
	"bytes"
	"testing"
)

// TestNodeReplication: GET /v1/node has the Redis journal's replication when the
// server has one (docs/api.md, "The node"), and no replication field otherwise.
func TestNodeReplication(t *testing.T) {
	want := NodeReplication{Sentinel: true, MasterName: "mymaster", Wait: "WAIT", MinReplicas: 1}
	e := newTestEnv(t, withAPIConfig(func(c *Config) {
		c.JournalKind = "redis"
		r := want
		c.Replication = &r
	}))
	var v NodeView
	e.getJSON(e.Admin.Token, "/v1/node", &v)
	if v.Replication == nil || *v.Replication != want {
		t.Fatalf("GET /v1/node replication = %+v, want %+v", v.Replication, want)
	}
	plain := newTestEnv(t)
	if r := plain.get(plain.Admin.Token, "/v1/node"); bytes.Contains(r.Body, []byte("replication")) {
		t.Fatalf("GET /v1/node with the file journal = %s, want no replication", r.Body)
	}
}
