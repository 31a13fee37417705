// SPDX-License-Identifier: Apache-2.0

package node

import (
	"encoding/binary"
	"errors"
)

// An entry in the journal is an envelope around a command: the submitting process's
// origin id and a ticket number, so the applier can hand each result to the Submit
// waiting for it — whichever replica appended it and whenever it is applied. The
// matcher sees only the command.
//
//	byte    envelopeVersion
//	uvarint len(origin), origin bytes
//	uvarint ticket
//	rest    the command (matcher.EncodeCommand)
const envelopeVersion = 1

const maxOriginLen = 64

func encodeEnvelope(origin string, ticket uint64, cmd []byte) []byte {
	b := make([]byte, 0, 1+2*binary.MaxVarintLen64+len(origin)+len(cmd))
	b = append(b, envelopeVersion)
	b = binary.AppendUvarint(b, uint64(len(origin)))
	b = append(b, origin...)
	b = binary.AppendUvarint(b, ticket)
	return append(b, cmd...)
}

var errEnvelope = errors.New("node: malformed entry envelope")

// decodeEnvelope reads an envelope; origin and cmd alias b (the applier compares the
// origin with its own without making a string of it).
func decodeEnvelope(b []byte) (origin []byte, ticket uint64, cmd []byte, err error) {
	if len(b) < 1 || b[0] != envelopeVersion {
		return nil, 0, nil, errEnvelope
	}
	b = b[1:]
	n, k := binary.Uvarint(b)
	if k <= 0 || n > maxOriginLen || uint64(len(b)-k) < n {
		return nil, 0, nil, errEnvelope
	}
	origin, b = b[k:k+int(n)], b[k+int(n):]
	ticket, k = binary.Uvarint(b)
	if k <= 0 {
		return nil, 0, nil, errEnvelope
	}
	return origin, ticket, b[k:], nil
}
