// SPDX-License-Identifier: Apache-2.0

package journal

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

// serve passes a RedisLogger to redis.SetLogger, whose argument is this interface.
var _ interface {
	Printf(ctx context.Context, format string, v ...any)
} = RedisLogger{}

// go-redis's messages arrive in slog, as one Warn record each.
func TestRedisLoggerToSlog(t *testing.T) {
	var buf bytes.Buffer
	l := NewRedisLogger(slog.New(slog.NewTextHandler(&buf, nil)))
	l.Printf(context.Background(), "redis: discarding bad PubSub connection: %s\n", "EOF")
	got := buf.String()
	for _, want := range []string{"level=WARN", `msg="redis: discarding bad PubSub connection: EOF"`, "component=go-redis"} {
		if !strings.Contains(got, want) {
			t.Errorf("RedisLogger.Printf wrote %q, want it to contain %s", got, want)
		}
	}
	if strings.Count(got, "\n") != 1 {
		t.Errorf("RedisLogger.Printf wrote %q, want one line", got)
	}
}
