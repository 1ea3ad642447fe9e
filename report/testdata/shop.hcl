# A small shop for scen report's tests: weighted fields and attributes, an
# arrival profile over a DST change (Europe/Berlin, 2025-03-30), a flow with
# fixed and experiment-driven transitions, and an experiment with a window.
scenario "shop" {
  seed     = 7
  timezone = "Europe/Berlin"
  start    = "2025-03-03T00:00:00"
  end      = "2025-03-31T00:00:00"
}

variable "users" { default = 100 }

distribution "hour_of_day" {
  hourly = [0.05, 0.03, 0.02, 0.02, 0.03, 0.08, 0.25, 0.45, 0.60, 0.75, 0.85, 0.90,
  1.00, 0.95, 0.85, 0.80, 0.85, 0.90, 0.95, 1.00, 0.95, 0.85, 0.70, 0.35]
}

distribution "weekday" {
  weekly = { mon = 0.6, tue = 0.8, wed = 1.0, thu = 1.0, fri = 1.2, sat = 1.6, sun = 1.4 }
}

entity "user" {
  count = var.users
  attributes {
    user_id = "u${index + 1}"
    tier    = weighted({ gold = 1, silver = 2, bronze = 3 })
  }
}

experiment "checkout" {
  unit   = user.user_id
  during = ["2025-03-10", "2025-03-24"]
  groups = { control = 0.5, treatment = 0.5 }
  param "buy_p" {
    control   = 0.15
    treatment = 0.35
  }
}

flow "visit" {
  actor = entity.user
  session {
    arrivals = arrivals(0.25, [distribution.hour_of_day, distribution.weekday])
  }
  gap     = uniform("5s", "2m")
  initial = "home"

  common "events" {
    event_name = state.name
    user_id    = user.user_id
    session_id = "s-${session.id}"
    timestamp  = event.time
    meta       = json({ tier = user.tier, group = experiment.checkout.group })
  }

  state "home" {
    emit "events" {
      device = weighted({ ios = 3, android = 5, web = 2 })
    }
    next = { product = 0.6, end = 0.4 }
  }

  state "product" {
    emit "events" {
      props = json({ shelf = weighted({ top = 1, middle = 2, bottom = 1 }) })
    }
    transition "buy" { probability = experiment.checkout.buy_p }
    transition "home" { weight = 1 }
    transition "end" { weight = 1 }
  }

  state "buy" {
    emit "events" {}
    next = { end = 1 }
  }
}

sink "jsonl" {
  type   = "jsonl"
  stream = "events"
  path   = "shop/events.jsonl"
}

sink "csv" {
  type   = "csv"
  stream = "events"
  path   = "shop/events.csv"
}

sink "parquet" {
  type   = "parquet"
  stream = "events"
  path   = "shop/events.parquet"
}
