# scen — see README.md. `make run` generates the main scenario, `make test` runs every check.
GO      ?= go
SCEN    := bin/scen
# The git description is build metadata of scen's version (0.1.0-dev+b04369a):
# setting main.version to it would lose the major version that manifests compare.
COMMIT  := $(shell git describe --tags --always --dirty 2>/dev/null)
LDFLAGS := -X main.commit=$(COMMIT)
SCENARIO ?= scenarios/recipe.hcl
OUT     ?= out

.PHONY: all build run test test-short vet fmt-check bench docs fuzz pgo clean

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

## pgo: regenerate cmd/scen/default.pgo, the CPU profile `go build` optimizes
## scen with (profile-guided optimization, docs/performance.md): the three
## benchmarked scenarios, larger, with one and two workers, profiled by a
## build without it
PGO_RUNS := recipe:users=5000 bank:clients=40000 clickstream:users=80000
pgo:
	$(GO) build -pgo=off -o bin/scen-nopgo ./cmd/scen
	rm -rf bin/pgo && mkdir -p bin/pgo
	for r in $(PGO_RUNS); do for w in 1 2; do \
		bin/scen-nopgo run scenarios/$${r%%:*}.hcl --var $${r#*:} --workers $$w --out bin/pgo/out --quiet --no-manifest \
			--cpuprofile bin/pgo/$${r%%:*}.$$w.prof || exit 1; \
		rm -rf bin/pgo/out; \
	done; done
	$(GO) tool pprof -proto bin/pgo/*.prof > cmd/scen/default.pgo

## docs: regenerate docs/reference.md from the stdlib registry
docs:
	$(GO) run ./cmd/scen docs reference > docs/reference.md

## fuzz: the nine fuzz targets, one after the other, FUZZTIME each (docs/fuzzing.md)
FUZZTIME ?= 10m
fuzz:
	$(GO) test ./engine -run '^$$' -fuzz '^FuzzCompile$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s -parallel 1
	$(GO) test ./engine -run '^$$' -fuzz '^FuzzExpression$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s -parallel 1
	$(GO) test ./engine -run '^$$' -fuzz '^FuzzRun$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s -parallel 1
	$(GO) test ./engine/data -run '^$$' -fuzz '^FuzzLoadText$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s -parallel 1
	$(GO) test ./engine/data -run '^$$' -fuzz '^FuzzJSONLine$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s -parallel 1
	$(GO) test ./engine/data -run '^$$' -fuzz '^FuzzParquet$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s -parallel 1
	$(GO) test ./engine/data -run '^$$' -fuzz '^FuzzCSVReader$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s -parallel 1
	$(GO) test ./engine -run '^$$' -fuzz '^FuzzListVar$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s -parallel 1
	$(GO) test ./engine/sinks -run '^$$' -fuzz '^FuzzJSONProgram$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s -parallel 1

clean:
	rm -rf bin $(OUT)
