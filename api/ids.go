// SPDX-License-Identifier: Apache-2.0

package api

import (
	"reflect"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/scfx/scfx/matcher"
)

// maxIDLen bounds an id: a prefix of a few letters, "_" and a uint64 in decimal.
const maxIDLen = 32

// canonicalID: s is an id as the server writes them, a lower-case prefix, "_" and
// a counter in decimal without sign or leading zero. The matcher reads the counter
// with strconv, which takes "rcv_01" for rcv_1; so the API lets only the one
// spelling through, and the journal never holds another (a replica that read the
// old journal must reach the same state, so the matcher itself is not changed).
func canonicalID(s string) bool {
	prefix, digits, ok := strings.Cut(s, "_")
	if !ok || len(s) > maxIDLen || prefix == "" || digits == "" || digits[0] == '0' {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if prefix[i] < 'a' || prefix[i] > 'z' {
			return false
		}
	}
	n, err := strconv.ParseUint(digits, 10, 64)
	return err == nil && strconv.FormatUint(n, 10) == digits
}

// canonicalPathIDs answers 404 for a path id that no object can have (every path
// parameter under /v1 is an id), before any handler looks it up.
func canonicalPathIDs(c *gin.Context) {
	for _, p := range c.Params {
		if !canonicalID(p.Value) {
			fail(c, errf(matcher.CodeNotFound, "no such object"))
			return
		}
	}
	c.Next()
}

// checkIDs refuses a request body whose id fields (json names ending in _id, or
// _ids for lists) hold an id in another spelling than the server's.
func checkIDs(v any) *matcher.Error {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return nil
	}
	t := rv.Type()
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		f := rv.Field(i)
		switch {
		case strings.HasSuffix(name, "_id") && f.Kind() == reflect.String:
			if s := f.String(); s != "" && !canonicalID(s) {
				return fieldError(name, "is not an id this server issued")
			}
		case strings.HasSuffix(name, "_ids") && f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
			for j := 0; j < f.Len(); j++ {
				if !canonicalID(f.Index(j).String()) {
					return fieldError(name, "is not an id this server issued")
				}
			}
		}
	}
	return nil
}
