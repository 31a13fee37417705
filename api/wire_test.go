// SPDX-License-Identifier: Apache-2.0

package api

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/matcher"
)

// TestProblemIsWireProblem: the problem+json the server writes decodes into
// wire.Problem and encodes back to the same bytes, so a client reading wire.Problem
// loses no member.
func TestProblemIsWireProblem(t *testing.T) {
	for _, e := range []*matcher.Error{
		fieldError("amount", "must be positive"),
		errf(matcher.CodeNotFound, "no such receivable"),
	} {
		server, err := json.Marshal(problemOf(e))
		if err != nil {
			t.Fatal(err)
		}
		var w wire.Problem
		if err := json.Unmarshal(server, &w); err != nil {
			t.Fatal(err)
		}
		client, err := json.Marshal(w)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(server, client) {
			t.Errorf("wire.Problem re-encodes %s as %s", server, client)
		}
	}
}
