# scen — see README.md. `make run` generates the main scenario, `make test` runs every check.
GO      ?= go
SCEN    := bin/scen
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
SCENARIO ?= scenarios/recipe.hcl
OUT     ?= out

.PHONY: all build run test test-short vet fmt-check bench docs fuzz clean

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(SCEN) ./cmd/scen

## run: generate the main scenario into ./out (its default file sink)
run: build
	$(SCEN) run $(SCENARIO) --out $(OUT)

## test: formatting, vet, and the whole test suite under the race detector
test: fmt-check vet
	$(GO) test -race -count=1 -timeout 30m ./...

test-short:
	$(GO) test -short -count=1 ./...

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

## bench: one table of events/s, MB/s and peak RSS per scenario, with the plain-Go baseline
bench: build
	$(GO) build -o bin/baseline ./bench/baseline
	$(GO) run ./bench/run -scen $(SCEN) -baseline bin/baseline -config bench/bench.tsv
	@echo; echo "per-sink throughput (rows/s, pre-encoded records through Open/Write/Close):"
	@$(GO) test ./engine/sinks -run '^$$' -bench 'ParquetSink|KafkaSink|PostgresSink' -benchtime 2x 2>&1 | grep -E 'Benchmark|skip' || true

## docs: regenerate docs/reference.md from the stdlib registry
docs:
	$(GO) run ./cmd/scen docs reference > docs/reference.md

## fuzz: the eight fuzz targets, one after the other, FUZZTIME each (docs/fuzzing.md)
FUZZTIME ?= 10m
fuzz:
	$(GO) test ./engine -run '^$$' -fuzz '^FuzzCompile$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s -parallel 1
	$(GO) test ./engine -run '^$$' -fuzz '^FuzzExpression$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s -parallel 1
	$(GO) test ./engine -run '^$$' -fuzz '^FuzzRun$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s -parallel 1
	$(GO) test ./engine/data -run '^$$' -fuzz '^FuzzLoadText$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s -parallel 1
	$(GO) test ./engine/data -run '^$$' -fuzz '^FuzzJSONLine$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s -parallel 1
	$(GO) test ./engine/data -run '^$$' -fuzz '^FuzzCSVReader$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s -parallel 1
	$(GO) test ./engine -run '^$$' -fuzz '^FuzzListVar$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s -parallel 1
	$(GO) test ./engine/sinks -run '^$$' -fuzz '^FuzzJSONProgram$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s -parallel 1

clean:
	rm -rf bin $(OUT)
