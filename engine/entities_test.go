package engine_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// relations exercises child entities, references to another entity's
// actors and var.* in a sink body.
const relations = `
scenario "rel" {
  seed  = 7
  start = "2025-01-01"
  end   = "2025-01-03"
}
variable "per_file" {
  default = 40
}
entity "shop" {
  count = 5
  attributes {
    id = "s${index}"
    w  = index + 1
  }
}
entity "user" {
  count = 60
  attributes {
    id   = "u${index}"
    fav  = sample_weighted(entity.shop, "w").id
    near = lookup(entity.shop, "id", "s${index % 5}").id
  }
}
entity "device" {
  parent = entity.user
  count  = uniform(0, 3)
  attributes {
    id = "${user.id}-d${index}"
  }
}
flow "users" {
  actor = entity.user
  session { count = 1 }
  initial = "row"
  state "row" {
    emit "users" {
      id        = user.id
      fav       = user.fav
      near      = user.near
      n_devices = len(entity.device)
      first     = len(entity.device) > 0 ? entity.device[0].id : null
    }
  }
}
flow "devices" {
  actor = entity.device
  session { count = 1 }
  initial = "row"
  state "row" {
    emit "devices" {
      id    = device.id
      owner = user.id
    }
  }
}
sink "users" {
  type   = "jsonl"
  stream = "users"
  path   = "users.jsonl"
}
sink "devices" {
  type          = "jsonl"
  stream        = "devices"
  path          = "devices-{{part}}.jsonl"
  rows_per_file = var.per_file
}
`

func runRelations(t *testing.T, workers int) string {
	t.Helper()
	return runSourceDir(t, relations, workers)
}

func TestEntityRelations(t *testing.T) {
	dir := runRelations(t, 2)
	users := jsonLines(t, filepath.Join(dir, "users.jsonl"))
	if len(users) != 60 {
		t.Fatalf("%d users, want 60", len(users))
	}
	parts, _ := filepath.Glob(filepath.Join(dir, "devices-*.jsonl"))
	var devices []map[string]any
	for _, p := range parts {
		rows := jsonLines(t, p)
		if len(rows) > 40 {
			t.Errorf("%s has %d rows; rows_per_file = var.per_file = 40", p, len(rows))
		}
		devices = append(devices, rows...)
	}
	if want := (len(devices) + 39) / 40; len(parts) != want {
		t.Errorf("%d device files for %d rows, want %d", len(parts), len(devices), want)
	}
	owned := map[string][]string{}
	for _, d := range devices {
		owner := d["owner"].(string)
		id := d["id"].(string)
		if !strings.HasPrefix(id, owner+"-d") {
			t.Fatalf("device %s does not carry its owner %s", id, owner)
		}
		owned[owner] = append(owned[owner], id)
	}
	for _, u := range users {
		id := u["id"].(string)
		n := int(u["n_devices"].(float64))
		if n < 0 || n > 3 || len(owned[id]) != n {
			t.Fatalf("user %s: len(entity.device) = %d, but %d device rows name it", id, n, len(owned[id]))
		}
		if n > 0 && u["first"] != id+"-d0" {
			t.Fatalf("user %s: entity.device[0].id = %v, want %s-d0", id, u["first"], id)
		}
		var idx int
		fmt.Sscanf(id, "u%d", &idx)
		if u["near"] != fmt.Sprintf("s%d", idx%5) {
			t.Fatalf("user %s: lookup by key gave %v", id, u["near"])
		}
		if fav := u["fav"].(string); fav < "s0" || fav > "s4" || len(fav) != 2 {
			t.Fatalf("user %s: favourite shop %q is not a shop", id, fav)
		}
	}
	// The same bytes whatever the number of workers.
	for _, w := range []int{1, 3} {
		other := runRelations(t, w)
		for _, name := range []string{"users.jsonl", "devices-00000.jsonl", "devices-00001.jsonl"} {
			a, _ := os.ReadFile(filepath.Join(dir, name))
			b, _ := os.ReadFile(filepath.Join(other, name))
			if string(a) != string(b) {
				t.Errorf("%s differs between 2 and %d workers", name, w)
			}
		}
	}
}

// TestDescribeRelationsAndConstraints: scen plan shows a child entity's
// count per parent and every constraint with its rules.
func TestDescribeRelationsAndConstraints(t *testing.T) {
	plan := compileFile(t, "../scenarios/bank.hcl", nil, nil)
	var b strings.Builder
	plan.Describe(&b)
	for _, want := range []string{
		`device               per client: int(weighted({ "1" = 0.5, "2" = 0.35, "3" = 0.15 }))`,
		"merchant             per city: max(len(dataset.categories)",
		"legit_spacing        client over offline_24h, offline_daytime, online: min_gap 15m0s (rebuilt from the flow's arrivals), max_per_day 12",
		"shop_hours           client over offline_daytime: quiet 22:00-07:00",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("plan lacks %q:\n%s", want, b.String())
		}
	}
}

// TestDescribeExperimentsAndGuards: scen plan shows each experiment with
// its unit, groups, window and parameters, and gives no shares for weights
// behind when guards (which of them are shared out depends on the actor).
func TestDescribeExperimentsAndGuards(t *testing.T) {
	plan := compileFile(t, "../scenarios/recipe.hcl", nil, nil)
	var b, dot strings.Builder
	plan.Describe(&b)
	plan.DescribeDot(&dot)
	for _, tc := range []struct{ out, want string }{
		{b.String(), "BEHAVIORAL_TARGETING_MVP_V1 unit user = user.user_id, groups: control 50.0%, treatment 50.0%; active 2025-08-08T00:00:00.000+09:00 .. 2025-08-23T00:00:00.000+09:00"},
		{b.String(), "param ad_ctr         control 0.018, treatment 0.022; outside the window 0.018; 3 override(s)"},
		{b.String(), `-> create_comment     weight 0.1 when user.activity == "POWER_USER"`},
		{b.String(), `-> click_bookmark     weight 0.12` + "\n"},
		{b.String(), "-> search_recipe       45.0%"}, // unguarded weights keep their shares
		{dot.String(), `[label="w=0.02 when user.activity != \"POWER_USER\""]`},
	} {
		if !strings.Contains(tc.out, tc.want) {
			t.Errorf("plan lacks %q:\n%s", tc.want, tc.out)
		}
	}
}

// TestDescribeDotEntry: the entry point is its own node, even beside a
// state named start, and a when transition reads "when …" once.
func TestDescribeDotEntry(t *testing.T) {
	src := `scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "user" {
  count = 2
  attributes {
    vip = index == 0
  }
}
flow "f" {
  actor   = entity.user
  initial = "start"
  state "start" {
    emit "ev" { n = 1 }
    transition "vip" { when = user.vip }
    transition "end" { otherwise = true }
  }
  state "vip" {
    emit "ev" { n = 2 }
  }
}
sink "s" {
  type   = "jsonl"
  stream = "ev"
  path   = "ev.jsonl"
}
`
	path := filepath.Join(t.TempDir(), "dot.hcl")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	compileFile(t, path, nil, nil).DescribeDot(&b)
	for _, want := range []string{`"f (entry)" -> "f.start";`, `"f.start" -> "f.vip" [label="when user.vip"];`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("dot lacks %q:\n%s", want, b.String())
		}
	}
	if strings.Contains(b.String(), `"f.start" -> "f.start"`) {
		t.Errorf("the entry became a self-loop:\n%s", b.String())
	}
}
