package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"unsafe"

	"github.com/scenhq/scen/stdlib"
)

// TestActorLayout: what the hot path reads of actors is laid out together.
// Attribute strings built per actor are kept per entity and attribute, so
// consecutive actors' ids sit side by side and stay intact while later
// actors reuse the record arena; a parent's list of children and each
// child's row are single blocks (object, then values, from the next cache
// line), holding the children's attributes.
func TestActorLayout(t *testing.T) {
	dir := t.TempDir()
	src := `
scenario "layout" {
  seed  = 3
  start = "2025-01-01T00:00:00"
  end   = "2025-01-02T00:00:00"
}
entity "owner" {
  count = 300
  attributes {
    id  = format("O%05d", index)
    tag = "${owner.id}-${hex(6)}"
  }
}
entity "pet" {
  parent = entity.owner
  count  = 1 + index % 3
  attributes {
    pet_id = "${owner.id}-P${index}"
    kind   = choice(["cat", "dog"])
  }
}
`
	path := filepath.Join(dir, "layout.hcl")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	p := memPlan(t, path, nil)
	var owner, pet *EntityPlan
	for _, ep := range p.Entities {
		switch ep.Name {
		case "owner":
			owner = ep
		case "pet":
			pet = ep
		}
	}
	env := &Env{tf: stdlib.NewTimeFormatter(p.Loc)}
	actors := make([]*actor, owner.Count)
	for i := range actors {
		actors[i] = p.buildActor(env, owner, int64(i), nil, 0, false)
	}
	idAt := func(a *actor) string { return a.vals(len(owner.attrs))[owner.attrIdx["id"]].S }
	adjacent := 0
	for i, a := range actors {
		want := fmt.Sprintf("O%05d", i)
		if got := idAt(a); got != want {
			t.Fatalf("owner %d: id %q, want %q", i, got, want)
		}
		if tag := a.vals(len(owner.attrs))[owner.attrIdx["tag"]].S; len(tag) != 13 || tag[:6] != want {
			t.Fatalf("owner %d: tag %q does not extend its id", i, tag)
		}
		if i > 0 && uintptr(unsafe.Pointer(unsafe.StringData(idAt(actors[i-1]))))+6 == uintptr(unsafe.Pointer(unsafe.StringData(idAt(a)))) {
			adjacent++
		}
		kids := a.x.kids[0]
		if kids.K != stdlib.List || kids.I&stdlib.Frozen == 0 {
			t.Fatalf("owner %d: children list %v not a frozen list", i, kids)
		}
		rows := kids.Obj().Vals
		if len(rows) != 1+i%3 {
			t.Fatalf("owner %d: %d children, want %d", i, len(rows), 1+i%3)
		}
		if off := uintptr(unsafe.Pointer(&rows[0])) - uintptr(unsafe.Pointer(kids.Obj())); off != 64 {
			t.Errorf("owner %d: children's rows start %d bytes after the list, want 64", i, off)
		}
		for k, row := range rows {
			o := row.Obj()
			if off := uintptr(unsafe.Pointer(&o.Vals[0])) - uintptr(unsafe.Pointer(o)); off != 64 {
				t.Errorf("owner %d pet %d: values start %d bytes after the row, want 64", i, k, off)
			}
			want := fmt.Sprintf("O%05d-P%d", i, k)
			if v, _ := o.Get("pet_id"); v.S != want {
				t.Fatalf("owner %d pet %d: pet_id %q, want %q", i, k, v.S, want)
			}
			if kid := a.x.kidActors[0][k]; kid.vals(len(pet.attrs))[pet.attrIdx["pet_id"]].S != want {
				t.Fatalf("owner %d pet %d: the actor's pet_id differs from its row's", i, k)
			}
		}
	}
	// Blocks are abandoned when full, so a few neighbours are apart.
	if adjacent < len(actors)*9/10 {
		t.Errorf("only %d of %d consecutive owner ids are adjacent in memory", adjacent, len(actors)-1)
	}
}
