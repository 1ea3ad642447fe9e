//go:build !linux

package main

import "github.com/scenhq/scen/engine"

var availableMemory = engine.AvailableMemory

// adviseHuge does nothing: transparent huge pages are a Linux feature.
func adviseHuge(b []byte) {}
