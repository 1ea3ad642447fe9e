package engine_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
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

// ancestors nests entities four deep (user → dev → app → plugin): each
// level refers to all of its ancestors, in attributes and in flows, and a
// root entity picks apps from their table (built at compile time).
const ancestors = `
scenario "anc" {
  seed  = 11
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "user" {
  count = 40
  attributes {
    id = "u${index}"
    r  = uniform(0, 1000000)
  }
}
entity "dev" {
  parent = entity.user
  count  = uniform(1, 3)
  attributes {
    id = "${user.id}-d${index}"
  }
}
entity "app" {
  parent = entity.dev
  count  = uniform(0, 2)
  attributes {
    id  = "${dev.id}-a${index}"
    uid = user.id
    ur  = user.r
    own = uniform(0, 1000000)
  }
}
entity "plugin" {
  parent = entity.app
  count  = len(user.id) > 0 ? 1 : 0
  attributes {
    id  = "${app.id}-p${index}"
    uid = user.id
    did = dev.id
    ur  = user.r + 0 * app.own
  }
}
entity "shop" {
  count = 10
  attributes {
    app = choice(entity.app)
  }
}
flow "users" {
  actor = entity.user
  session { count = 1 }
  initial = "s"
  state "s" {
    emit "users" {
      id = user.id
      r  = user.r
    }
  }
}
flow "apps" {
  actor = entity.app
  session { count = 1 }
  initial = "s"
  state "s" {
    emit "apps" {
      id      = app.id
      dev_id  = dev.id
      user_id = user.id
      user_r  = user.r
      uid     = actor.uid
      ur      = app.ur
    }
  }
}
flow "plugins" {
  actor = entity.plugin
  session { count = 1 }
  initial = "s"
  state "s" {
    emit "plugins" {
      id      = plugin.id
      app_id  = app.id
      dev_id  = dev.id
      user_id = user.id
      user_r  = user.r
      uid     = plugin.uid
      did     = plugin.did
      ur      = plugin.ur
    }
  }
}
flow "shops" {
  actor = entity.shop
  session { count = 1 }
  initial = "s"
  state "s" {
    emit "shops" {
      app_id = shop.app.id
      uid    = shop.app.uid
      ur     = shop.app.ur
    }
  }
}
sink "users" {
  type   = "jsonl"
  stream = "users"
  path   = "users.jsonl"
}
sink "apps" {
  type   = "jsonl"
  stream = "apps"
  path   = "apps.jsonl"
}
sink "plugins" {
  type   = "jsonl"
  stream = "plugins"
  path   = "plugins.jsonl"
}
sink "shops" {
  type   = "jsonl"
  stream = "shops"
  path   = "shops.jsonl"
}
`

// TestAncestorReferences: a child refers to any of its ancestors by name
// (user.id in an app whose parent dev has parent user), in its attributes
// and in its flows, and gets its own ancestors' values: those its
// ancestors' own flows write. The bytes do not depend on the workers.
func TestAncestorReferences(t *testing.T) {
	dir := runSourceDir(t, ancestors, 2)
	users := map[string]any{}
	for _, u := range jsonLines(t, filepath.Join(dir, "users.jsonl")) {
		users[u["id"].(string)] = u["r"]
	}
	// prefix is the part of an id before the first marker of a level.
	prefix := func(marker string) func(r map[string]any) any {
		return func(r map[string]any) any {
			id := r["id"].(string)
			if k := strings.Index(id, marker); k >= 0 {
				return id[:k]
			}
			return "(no " + marker + " in " + id + ")"
		}
	}
	field := func(name string) func(r map[string]any) any {
		return func(r map[string]any) any { return r[name] }
	}
	userR := func(id string) func(r map[string]any) any {
		return func(r map[string]any) any { return users[r[id].(string)] }
	}
	for _, tc := range []struct {
		name, stream, field string
		want                func(r map[string]any) any
	}{
		{"app: dev.id in a flow is its parent's", "apps", "dev_id", prefix("-a")},
		{"app: user.id in a flow is its grandparent's", "apps", "user_id", prefix("-d")},
		{"app: user.r in a flow is its grandparent's", "apps", "user_r", userR("user_id")},
		{"app: user.id in an attribute", "apps", "uid", field("user_id")},
		{"app: user.r in an attribute", "apps", "ur", userR("user_id")},
		{"plugin: app.id in a flow", "plugins", "app_id", prefix("-p")},
		{"plugin: dev.id in a flow", "plugins", "dev_id", prefix("-a")},
		{"plugin: user.id in a flow", "plugins", "user_id", prefix("-d")},
		{"plugin: user.r in a flow", "plugins", "user_r", userR("user_id")},
		{"plugin: user.id in an attribute", "plugins", "uid", field("user_id")},
		{"plugin: dev.id in an attribute", "plugins", "did", field("dev_id")},
		{"plugin: user.r in an attribute", "plugins", "ur", userR("user_id")},
		{"table of apps: user.id", "shops", "uid", func(r map[string]any) any {
			return prefix("-d")(map[string]any{"id": r["app_id"]})
		}},
		{"table of apps: user.r", "shops", "ur", userR("uid")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			recs := jsonLines(t, filepath.Join(dir, tc.stream+".jsonl"))
			if len(recs) < 10 {
				t.Fatalf("%d %s records", len(recs), tc.stream)
			}
			for _, r := range recs {
				if want := tc.want(r); r[tc.field] != want {
					t.Fatalf("%s = %v, want %v in %v", tc.field, r[tc.field], want, r)
				}
			}
		})
	}
	for _, w := range []int{1, 3} {
		other := runSourceDir(t, ancestors, w)
		for _, name := range []string{"users.jsonl", "apps.jsonl", "plugins.jsonl", "shops.jsonl"} {
			if a, b := readFile(t, filepath.Join(dir, name)), readFile(t, filepath.Join(other, name)); string(a) != string(b) {
				t.Errorf("%s differs between 2 and %d workers", name, w)
			}
		}
	}
}

// TestAncestorReferenceErrors: an entity's name is usable where the
// entity is the actor or one of its ancestors; anywhere else the error
// says which entities can be named there and what to write instead.
func TestAncestorReferenceErrors(t *testing.T) {
	for _, tc := range []struct {
		name     string
		old, new string // replaced in ancestors
		summary  string // "" : compiles without error
		detail   string
		pos      string
	}{
		{name: "ancestor in a child's count", old: `count  = len(user.id) > 0 ? 1 : 0`, new: `count  = len(user.id) > 0 && len(dev.id) > 0 ? 1 : 0`},
		{name: "unknown attribute of a grandparent", old: `uid = user.id
    ur  = user.r`, new: `uid = user.nope
    ur  = user.r`,
			summary: "Unknown attribute", detail: `Entity "user" has no attribute "nope".`, pos: "s.hcl:25:15"},
		{name: "another entity in an attribute", old: `uid = user.id
    did`, new: `uid = shop.app
    did`,
			summary: "Invalid reference", pos: "s.hcl:35:11",
			detail: `In an entity attribute, entity names refer to plugin's attributes (plugin.NAME, or actor.NAME) and to its ancestors' (app.NAME, dev.NAME, user.NAME); "shop" is another entity, declared after this point: an entity can refer to the actors of entities declared before it, as tables (entity.NAME).`},
		{name: "another entity in a flow", old: `user_r  = user.r
      uid     = actor.uid`, new: `user_r  = shop.app
      uid     = actor.uid`,
			summary: "Invalid reference", pos: "s.hcl:66:17",
			detail: `In a flow state, entity names refer to app's attributes (app.NAME, or actor.NAME) and to its ancestors' (dev.NAME, user.NAME); "shop" is another entity, whose actors are a table: entity.shop (choice(entity.shop).NAME, lookup(entity.shop, "key", value)).`},
		{name: "a child in a flow", old: `r  = user.r
    }`, new: `r  = dev.id
    }`,
			summary: "Invalid reference", pos: "s.hcl:53:12",
			detail: `In a flow state, entity names refer to user's attributes (user.NAME, or actor.NAME); "dev" is a child entity of user: the actor's own dev actors are entity.dev, a list of attribute objects (choice(entity.dev).NAME, len(entity.dev)).`},
		{name: "a child in an attribute", old: `id = "${user.id}-d${index}"`, new: `id = app.id`,
			summary: "Invalid reference", pos: "s.hcl:17:10",
			detail: `In an entity attribute, entity names refer to dev's attributes (dev.NAME, or actor.NAME) and to its ancestors' (user.NAME); "app" is a child entity of dev, whose app actors are created after its attributes: use entity.app in dev's flows.`},
		{name: "a grandchild in a flow", old: `r  = user.r
    }`, new: `r  = app.id
    }`,
			summary: "Invalid reference", pos: "s.hcl:53:12", detail: `"app" is another entity, whose actors are a table: entity.app`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(ancestors[1:], tc.old) {
				t.Fatalf("%q is not in the scenario", tc.old)
			}
			checkCompile(t, strings.Replace(ancestors[1:], tc.old, tc.new, 1), tc.summary, tc.detail, tc.pos)
		})
	}
}

// TestAttributeElsewhereHint: an attribute read through the wrong entity
// of the actor's line (its own attribute through an ancestor's name, or an
// ancestor's through its own name or actor) gets a "Did you mean …?" with
// the form that reaches it, in attributes and in flows; the error stays
// on the attribute's name (the .NAME step). An attribute no entity of the
// line has still gets the closest name.
func TestAttributeElsewhereHint(t *testing.T) {
	for _, tc := range []struct {
		name     string
		old, new string // replaced in ancestors
		step     string // the reference's .NAME step, in new
		detail   string
	}{
		{"a grandparent's attribute through the entity's own name", "uid = user.id\n    ur  = user.r", "uid = app.r\n    ur  = user.r", ".r",
			`Entity "app" has no attribute "r". Did you mean user.r? (r is an attribute of "user", an ancestor of "app".)`},
		{"valid: the actor's own id through actor", `did = dev.id`, `did = actor.id`, "", ""},
		{"a parent's attribute through actor", "ur  = user.r + 0 * app.own", "ur  = actor.r + 0 * app.own", ".r",
			`Entity "plugin" has no attribute "r". Did you mean user.r? (r is an attribute of "user", an ancestor of "plugin".)`},
		{"valid: the parent's attribute", "ur  = user.r + 0 * app.own", "ur  = user.r + 0 * app.ur", "", ""},
		{"the entity's own attribute through its parent", "uid = user.id\n    did", "uid = app.did\n    did", ".did",
			`Entity "app" has no attribute "did". Did you mean plugin.did? (did is an attribute of the actor's own entity "plugin".)`},
		{"a parent's attribute through the actor's name in a flow", "user_r  = user.r\n      uid     = actor.uid", "user_r  = app.r\n      uid     = actor.uid", ".r",
			`Entity "app" has no attribute "r". Did you mean user.r? (r is an attribute of "user", an ancestor of "app".)`},
		{"the actor's own attribute through its parent in a flow", "user_r  = user.r\n      uid     = actor.uid", "user_r  = dev.own\n      uid     = actor.uid", ".own",
			`Entity "dev" has no attribute "own". Did you mean app.own? (own is an attribute of the actor's own entity "app".)`},
		{"the parent's own attribute", "user_r  = user.r\n      uid     = plugin.uid", "user_r  = plugin.own\n      uid     = plugin.uid", ".own",
			`Entity "plugin" has no attribute "own". Did you mean app.own? (own is an attribute of "app", the parent entity of "plugin".)`},
		{"a misspelling", "uid = user.id\n    did", "uid = user.idd\n    did", ".idd",
			`Entity "user" has no attribute "idd". Did you mean "id"?`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := ancestors[1:]
			at := strings.Index(src, tc.old)
			if at < 0 {
				t.Fatalf("%q is not in the scenario", tc.old)
			}
			src = src[:at] + tc.new + src[at+len(tc.old):]
			if tc.step == "" {
				checkCompile(t, src, "", "", "")
				return
			}
			// The step's range: its line and columns in the new source.
			off := at + strings.Index(tc.new, tc.step)
			line := strings.Count(src[:off], "\n") + 1
			col := off - strings.LastIndex(src[:off], "\n")
			sc, diags := dsl.ParseSource("s.hcl", []byte(src))
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			_, diags = engine.Compile(sc, engine.Options{})
			errs := errorsIn(diags)
			if len(errs) != 1 {
				t.Fatalf("want one error, got %d: %v", len(errs), errs)
			}
			d := errs[0]
			if d.Summary != "Unknown attribute" || d.Detail != tc.detail {
				t.Errorf("got %q: %q\nwant %q", d.Summary, d.Detail, tc.detail)
			}
			if r := d.Subject; r == nil || r.Start.Line != line || r.End.Line != line || r.Start.Column != col || r.End.Column != col+len(tc.step) {
				t.Errorf("at %v, want s.hcl:%d,%d-%d", r, line, col, col+len(tc.step))
			}
		})
	}
}
