// SPDX-License-Identifier: Apache-2.0

package journal

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
)

// RedisLogger carries go-redis's own messages (pool, reconnects, cluster moves),
// which it would otherwise print with the standard log package, into slog. Install it
// with redis.SetLogger: go-redis keeps one logger for the whole process.
type RedisLogger struct{ log *slog.Logger }

// NewRedisLogger routes go-redis's messages to log, at Warn: go-redis logs only what
// went wrong or was retried.
func NewRedisLogger(log *slog.Logger) RedisLogger {
	return RedisLogger{log: log.With("component", "go-redis")}
}

// Printf is go-redis's logging interface.
func (l RedisLogger) Printf(ctx context.Context, format string, v ...any) {
	l.log.WarnContext(ctx, strings.TrimSpace(fmt.Sprintf(format, v...)))
}
