// SPDX-License-Identifier: Apache-2.0

package client

import (
	"context"
	"fmt"

	"github.com/scfx/scfx/api/wire"
)

// CollectPagesMax bounds the pages Collect follows: a server that always answers
// a next cursor must not keep a client looping.
const CollectPagesMax = 10_000

// Collect follows the cursor of a list from its first page to its last and
// returns every item; pageSize is each page's limit (0: the server's default).
// list is a list method, e.g. c.Offers, or a closure over one with more
// parameters:
//
//	all, err := client.Collect(ctx, 100, func(ctx context.Context, o client.ListOptions) (*wire.Page[wire.Receivable], error) {
//		return c.Receivables(ctx, "financeable", o)
//	})
func Collect[T any](ctx context.Context, pageSize int, list func(context.Context, ListOptions) (*wire.Page[T], error)) ([]T, error) {
	var all []T
	o := ListOptions{Limit: pageSize}
	for range CollectPagesMax {
		p, err := list(ctx, o)
		if err != nil {
			return all, err
		}
		all = append(all, p.Items...)
		if p.NextCursor == nil || *p.NextCursor == "" {
			return all, nil
		}
		o.Cursor = *p.NextCursor
	}
	return all, fmt.Errorf("collect: more than %d pages", CollectPagesMax)
}
