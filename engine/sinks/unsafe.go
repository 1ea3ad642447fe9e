package sinks

import "unsafe"

// arenaStr views b as a string without copying; b must not change while
// the string is in use (the callers consume it immediately).
func arenaStr(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
