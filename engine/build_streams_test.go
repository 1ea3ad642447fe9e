package engine

import (
	"os"
	"path/filepath"
	"testing"
	"unsafe"

	"github.com/scenhq/scen/stdlib"
)

// buildPlan compiles src (a scenario) and returns the plan and its
// entities by name.
func buildPlan(t *testing.T, src string) (*Plan, map[string]*EntityPlan) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "build.hcl")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	p := memPlan(t, path, nil)
	eps := map[string]*EntityPlan{}
	for _, ep := range p.Entities {
		eps[ep.Name] = ep
	}
	return p, eps
}

// TestBuildActorAllocatesNoStream: building an actor allocates the actor
// and nothing for its attribute stream (Env.buildRngs), which allocated
// 32 bytes per actor before, garbage left in a million actors' peak.
func TestBuildActorAllocatesNoStream(t *testing.T) {
	p, eps := buildPlan(t, `
scenario "build" {
  seed  = 5
  start = "2025-01-01T00:00:00"
  end   = "2025-01-02T00:00:00"
}
entity "user" {
  count = 1000
  attributes {
    n    = choice([1, 2, 3])
    size = uniform(1, 9)
  }
}
`)
	env := &Env{tf: stdlib.NewTimeFormatter(p.Loc)}
	ep := eps["user"]
	i := int64(0)
	allocs := testing.AllocsPerRun(200, func() {
		p.buildActor(env, ep, i%ep.Count, nil, 0, true)
		i++
	})
	if allocs != 1 {
		t.Fatalf("buildActor: %v allocations per actor, want 1 (the actor)", allocs)
	}
}

// TestBuildActorNestedStreams: each level of nesting draws from its own
// stream, so a parent's later draws (the count of its second child
// entity, drawn after the first entity's children are built) do not
// depend on how many children of the first were built.
func TestBuildActorNestedStreams(t *testing.T) {
	p, eps := buildPlan(t, `
scenario "build" {
  seed  = 9
  start = "2025-01-01T00:00:00"
  end   = "2025-01-02T00:00:00"
}
entity "owner" {
  count = 200
  attributes {
    id = format("O%04d", index)
  }
}
entity "pet" {
  parent = entity.owner
  count  = 1 + choice([0, 1, 2, 3, 4, 5])
  attributes {
    weight = uniform(1, 40)
  }
}
entity "toy" {
  parent = entity.pet
  count  = choice([1, 2, 3])
  attributes {
    colour = choice(["red", "blue"])
  }
}
entity "car" {
  parent = entity.owner
  count  = 1 + choice([0, 1, 2, 3, 4, 5, 6])
  attributes {
    plate = hex(6)
  }
}
`)
	owner, pet, car := eps["owner"], eps["pet"], eps["car"]
	full := &Env{tf: stdlib.NewTimeFormatter(p.Loc)}
	cut := &Env{tf: stdlib.NewTimeFormatter(p.Loc), kidSample: 1, sampled: map[*actor][]int64{}}
	ci := map[*EntityPlan]int{}
	for i, ce := range owner.Children {
		ci[ce] = i
	}
	declared := func(e *Env, a *actor, ce *EntityPlan) int64 {
		if n, ok := e.sampled[a]; ok && n[ci[ce]] > 0 {
			return n[ci[ce]]
		}
		return int64(len(a.x.kidActors[ci[ce]]))
	}
	differ := int64(0)
	for i := int64(0); i < owner.Count; i++ {
		a := p.buildActor(full, owner, i, nil, 0, true)
		b := p.buildActor(cut, owner, i, nil, 0, true)
		if full.fault != nil || cut.fault != nil {
			t.Fatal(full.fault, cut.fault)
		}
		if pa, pb := declared(full, a, pet), declared(cut, b, pet); pa != pb {
			t.Fatalf("owner %d: %d pets built in full, %d declared when cut", i, pa, pb)
		}
		if ca, cb := declared(full, a, car), declared(cut, b, car); ca != cb {
			t.Fatalf("owner %d: %d cars with all pets built, %d with one", i, ca, cb)
		}
		// The first pet is built in both: the same weight and toys.
		pa, pb := a.x.kidActors[ci[pet]][0], b.x.kidActors[ci[pet]][0]
		if wa, wb := pa.vals(len(pet.attrs))[0], pb.vals(len(pet.attrs))[0]; !stdlib.Equal(wa, wb) {
			t.Fatalf("owner %d: first pet's weight %v against %v", i, wa, wb)
		}
		if declared(full, a, pet) > 1 {
			differ++
		}
	}
	if differ < owner.Count/2 {
		t.Fatalf("only %d owners with more than one pet: the test does not cut", differ)
	}
}

// TestRunnerBlock: a block of runners fills its size class.
func TestRunnerBlock(t *testing.T) {
	size := unsafe.Sizeof(runner{})
	if used := runnerBlock * size; used > 8192 || used+size <= 8192 {
		t.Fatalf("%d runners of %d bytes use %d of 8192 bytes", runnerBlock, size, used)
	}
	w := &worker{}
	first := w.newRunner()
	for i := 1; i < int(runnerBlock); i++ {
		r := w.newRunner()
		if uintptr(unsafe.Pointer(r)) != uintptr(unsafe.Pointer(first))+uintptr(i)*size {
			t.Fatalf("runner %d is not next in its block", i)
		}
	}
	if r := w.newRunner(); uintptr(unsafe.Pointer(r)) == uintptr(unsafe.Pointer(first))+runnerBlock*size {
		t.Fatal("the block's end handed out as a runner")
	}
}
