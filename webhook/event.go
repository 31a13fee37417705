// SPDX-License-Identifier: Apache-2.0

package webhook

import (
	"github.com/scfx/scfx/feed"
	"github.com/scfx/scfx/matcher"
)

const instantLayout = "2006-01-02T15:04:05.000Z07:00" // the API's (docs/api.md "Conventions")

// Start is where a webhook's delivery resumes: after its checkpointed cursor, or
// after every event of the entry that registered it.
func Start(w *matcher.Webhook) feed.ID {
	if w.Cursor != "" {
		if id, err := feed.ParseID(w.Cursor); err == nil {
			return id
		}
	}
	return feed.ID{Seq: w.FromSeq, Idx: 1<<32 - 1}
}
