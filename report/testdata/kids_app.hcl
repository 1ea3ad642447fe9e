# An experiment whose unit is a grandchild: users own devs, devs own apps
# (each count drawn per parent), and each app is assigned by its own id.
# The override reads the grandparent's attribute (user.tier) and the
# app's own (app.kind). The apps stream holds one row per app, to compare
# Plan.ExperimentActors with what the run built.
scenario "kids_app" {
  seed     = 9
  timezone = "UTC"
  start    = "2025-03-03T00:00:00"
  end      = "2025-03-17T00:00:00"
}

entity "user" {
  count = 80
  attributes {
    user_id = "u${index + 1}"
    tier    = weighted({ gold = 1, silver = 2 })
  }
}

entity "dev" {
  parent = entity.user
  count  = int(weighted({ "1" = 0.6, "2" = 0.4 }))
  attributes {
    dev_id = "${user.user_id}-d${index + 1}"
  }
}

entity "app" {
  parent = entity.dev
  count  = user.tier == "gold" ? 3 : int(weighted({ "0" = 0.2, "1" = 0.5, "2" = 0.3 }))
  attributes {
    app_id = "${dev.dev_id}-a${index + 1}"
    kind   = weighted({ game = 1, tool = 2 })
  }
}

experiment "paywall" {
  unit   = app.app_id
  salt   = "pw-"
  groups = { a = 0.3, b = 0.7 }
  param "pay_p" {
    a = 0.25
    b = 0.45
    override {
      when = user.tier == "gold" && app.kind == "game"
      a    = 0.1
    }
  }
}

flow "launch" {
  actor = entity.app
  session {
    arrivals = arrivals(0.6)
  }
  gap     = uniform("5s", "2m")
  initial = "open"

  common "events" {
    event_name = state.name
    app_id     = app.app_id
    session_id = "s-${session.id}"
    timestamp  = event.time
    variant    = experiment.paywall.group
  }

  state "open" {
    emit "events" {}
    transition "pay" { probability = experiment.paywall.pay_p }
    transition "end" { weight = 1 }
  }

  state "pay" {
    emit "events" {}
    next = { end = 1 }
  }
}

flow "app_rows" {
  actor = entity.app
  session { count = 1 }
  initial = "row"
  state "row" {
    emit "apps" {
      app_id  = app.app_id
      dev_id  = dev.dev_id
      user_id = user.user_id
      tier    = user.tier
      kind    = app.kind
    }
  }
}

sink "events" {
  type   = "jsonl"
  stream = "events"
  path   = "kids_app/events.jsonl"
}

sink "apps" {
  type   = "jsonl"
  stream = "apps"
  path   = "kids_app/apps.jsonl"
}
