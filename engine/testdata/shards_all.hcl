# Every feature a shard has to split the way the single run does
# (TestShardUnionEveryFeature): a root entity without children, child and
# grandchild entities with flows of their own, one-row-per-actor flows,
# an experiment, constraints, a burst flow for some actors, actor memory,
# tables of other entities, and file sinks that partition by time and
# field, roll over by rows, compress, and write CSV and Parquet.

scenario "shards" {
  seed     = 42
  timezone = "Europe/Berlin"
  start    = "2025-03-20T00:00:00"
  end      = "2025-04-05T00:00:00"
}

variable "users" { default = 97 }

entity "shop" {
  count = 7
  attributes {
    shop_id = "S${index}"
    country = weighted({ DE = 0.5, FR = 0.3, "" = 0.2 })
  }
}

entity "user" {
  count = var.users
  attributes {
    user_id = "U${index}"
    country = weighted({ DE = 0.5, FR = 0.3, IT = 0.2 })
    rate    = uniform(1.0, 6.0)
    fraud   = bernoulli(0.1)
  }
}

entity "device" {
  parent = entity.user
  count  = int(uniform(0, 3))
  attributes {
    device_id = "${user.user_id}-D${index}"
    os        = weighted({ ios = 1, android = 2 })
  }
}

entity "app" {
  parent = entity.device
  count  = int(uniform(1, 2))
  attributes {
    app_id = "${device.device_id}-A${index}"
  }
}

experiment "exp" {
  unit   = user.user_id
  during = ["2025-03-25", "2025-04-01"]
  groups = { a = 0.5, b = 0.5 }
  param "p" {
    a = 0.2
    b = 0.6
  }
}

flow "user_rows" {
  actor = entity.user
  session { count = 1 }
  initial = "row"
  state "row" {
    emit "users" {
      user_id = user.user_id
      country = user.country
      devices = len(entity.device)
    }
    next = { end = 1 }
  }
}

flow "device_rows" {
  actor = entity.device
  session { count = 1 }
  initial = "row"
  state "row" {
    emit "devices" {
      device_id = device.device_id
      user_id   = user.user_id
      os        = device.os
    }
    next = { end = 1 }
  }
}

flow "app_rows" {
  actor = entity.app
  session {
    count = 2
    every = "3d"
  }
  initial = "row"
  state "row" {
    emit "events" {
      user_id    = user.user_id
      country    = user.country
      kind       = "app_open"
      ref        = app.app_id
      session_id = session.id
      ts         = event.time
    }
    next = { end = 1 }
  }
}

flow "shop_rows" {
  actor = entity.shop
  session { count = 1 }
  initial = "row"
  state "row" {
    emit "shops" {
      shop_id = shop.shop_id
      country = shop.country
      # Other entities as tables: every shard sees all of them.
      devices = len(entity.device)
      apps    = len(entity.app)
      device  = len(entity.device) > 0 ? choice(entity.device).device_id : null
      user    = sample_weighted(entity.user, "rate").user_id
    }
    next = { end = 1 }
  }
}

flow "browse" {
  actor = entity.user
  session {
    arrivals   = arrivals(user.rate)
    max_events = 20
  }
  gap     = uniform("5s", "10m")
  initial = "view"
  state "view" {
    remember = { n = coalesce(memory.n, 0) + 1 }
    emit "events" {
      user_id    = user.user_id
      country    = user.country
      kind       = "view"
      ref        = choice(entity.shop).shop_id
      session_id = session.id
      ts         = event.time
      grp        = experiment.exp.group
      nth        = memory.n
    }
    transition "buy" { probability = experiment.exp.p }
    transition "end" { otherwise = true }
  }
  state "buy" {
    emit "events" {
      user_id    = user.user_id
      country    = user.country
      kind       = "buy"
      ref        = choice(entity.device) == null ? "none" : "dev"
      session_id = session.id
      ts         = event.time
      amount     = round(lognormal(3, 1), 2)
    }
    next = { view = 0.5, end = 0.5 }
  }
}

flow "fraud" {
  actor = entity.user
  session {
    count      = user.fraud ? 1 : 0
    start      = uniform("0s", "10d")
    max_events = 30
  }
  gap     = uniform("1s", "20s")
  initial = "burst"
  state "burst" {
    emit "events" {
      user_id    = user.user_id
      country    = user.country
      kind       = "fraud"
      ref        = "x"
      session_id = session.id
      ts         = event.time
    }
    next = { burst = 0.9, end = 0.1 }
  }
}

constraint "spacing" {
  flows       = [flow.browse]
  min_gap     = "20m"
  max_per_day = 15
  quiet_hours = ["01:00", "06:00"]
}

sink "events" {
  type   = "jsonl"
  stream = "events"
  path   = "events.jsonl"
}

sink "events_lake" {
  type          = "jsonl"
  stream        = "events"
  path          = "lake/day={{day}}/country={{field:country}}/part.jsonl"
  rows_per_file = 50
}

sink "events_pq" {
  type          = "parquet"
  stream        = "events"
  path          = "pq/events.parquet"
  rows_per_file = 300
}

sink "users" {
  type   = "csv"
  stream = "users"
  path   = "users.csv"
}

sink "devices" {
  type   = "csv"
  stream = "devices"
  path   = "devices.csv.gz"
}

sink "shops" {
  type   = "jsonl"
  stream = "shops"
  path   = "shops.jsonl"
}
