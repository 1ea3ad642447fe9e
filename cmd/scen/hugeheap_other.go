//go:build !linux

package main

// adviseHuge does nothing: transparent huge pages are a Linux feature.
func adviseHuge(b []byte) {}
