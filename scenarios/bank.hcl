# Bank card transactions, legit and fraud, after seed 001 (a Python
# generator of legit transactions that must not look like fraud, and of
# fraud that must). Clients own devices, buy from merchants in their city
# (offline) or online, at times drawn from three daily profiles; a client's
# legit transactions are never closer than a minimum gap (seed 001's rule:
# a time that falls too close is rebuilt from the client's last transaction
# plus a random allowed gap). A share of clients is hit by one of four fraud
# patterns, labelled with is_fraud and fraud_type.
#
#   scen run scenarios/bank.hcl                  # ≈1.1 M transactions, Jan-Mar 2025
#   scen run scenarios/bank.hcl --var fraud_difficulty=0.8
#
# Guide: docs/bank.md.

scenario "bank" {
  seed     = 20250101
  timezone = "Europe/Moscow"
  start    = "2025-01-01T00:00:00"
  end      = "2025-04-01T00:00:00"
  # As seed 001 does: every run in its own directory, <out>/bank/runs/<run-id>/,
  # with its manifest, and <out>/bank/runs/latest pointing at the newest.
  runs = "bank/runs"
}

variable "clients" {
  default     = 10000
  description = "card holders; 10 000 give about 1.1 M transactions over the quarter"
}

variable "people_per_merchant" {
  default     = 10000
  description = "inhabitants per merchant in a city (about 5 000 merchants in all)"
}

variable "fraud_clients" {
  default     = 0.02
  description = "share of clients hit by a fraud pattern"
}

variable "fraud_difficulty" {
  default     = 0.3
  description = "0 = fraud is obvious; 1 = every fraud feature is drawn from the legit distribution"
}

variable "min_gap" {
  default     = "15m"
  description = "minimum time between two legit transactions of a client"
}

variable "rows_per_file" {
  default     = 250000
  description = "transactions per output file (seed 001 writes in chunks)"
}

# Seed 001's three hand-made daily profiles for legit transactions, from
# the standard library (docs/modules.md): distribution.daily.round_the_clock
# (offline categories open round the clock: the evening peak 17:00-20:00),
# distribution.daily.daytime (shops open about 08:00-22:00) and
# distribution.daily.online (flatter, peaking late in the evening).
module "daily" {
  source = "stdlib/profiles/transactions"
}

distribution "weekday" {
  weekly = { mon = 0.95, tue = 0.95, wed = 1.0, thu = 1.0, fri = 1.15, sat = 1.2, sun = 1.05 }
}

# Fraudulent night spending happens between 23:00 and 06:00, mostly 00:00–04:00.
distribution "night" {
  hourly = [1.0, 1.0, 0.9, 0.8, 0.6, 0.3, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.4]
}

dataset "cities" {
  path = "data/cities.csv" # id, city, lat, lon, population
}

# Per-category data: the channel (which daily profile), the category's share
# of its channel's transactions, its share of merchants, and the lognormal
# amount parameters (mu = ln(median amount in RUB), sigma).
dataset "categories" {
  path = "data/categories.csv"
}

dataset "cat_round_the_clock" {
  from  = dataset.categories
  where = row.channel == "offline_24h"
}

dataset "cat_daytime" {
  from  = dataset.categories
  where = row.channel == "offline_day"
}

dataset "cat_online" {
  from  = dataset.categories
  where = row.channel == "online"
}

# The cities table as actors, so that merchants can be created per city.
entity "city" {
  count = len(dataset.cities)
  attributes {
    row        = dataset.cities[index]
    name       = city.row.city
    lat        = city.row.lat
    lon        = city.row.lon
    population = city.row.population
  }
}

# Merchants belong to a city: one per category first (so every city has a
# shop of every kind), then one more per people_per_merchant inhabitants
# with categories weighted by their merchant share.
entity "merchant" {
  parent = entity.city
  count  = max(len(dataset.categories), int(city.population / var.people_per_merchant))
  attributes {
    merchant_id = format("M%02d%05d", city.row.id, index + 1)
    name        = company()
    cat         = index < len(dataset.categories) ? dataset.categories[index] : sample_weighted(dataset.categories, "merchant_share")
    category    = merchant.cat.category
    online      = merchant.cat.channel == "online"
    # Online merchants have no street location.
    city = merchant.online ? null : city.name
    lat  = merchant.online ? null : round(city.lat + normal(0, 0.03), 5)
    lon  = merchant.online ? null : round(city.lon + normal(0, 0.05), 5)
    # The key offline purchases look merchants up by: same city, same category.
    key = "${city.name}|${merchant.category}"
  }
}

entity "client" {
  count = var.clients
  attributes {
    client_id = format("C%07d", index + 1)
    name      = name()
    home      = sample_weighted(entity.city, "population")
    city      = client.home.name
    lat       = round(client.home.lat + normal(0, 0.03), 5)
    lon       = round(client.home.lon + normal(0, 0.05), 5)
    # Legit transactions per day (mean ≈ 1.2) and how they split by channel.
    tx_per_day   = min(lognormal(0, 0.6), 8)
    online_share = beta(2, 5)
    day_share    = uniform(0.35, 0.65) # of offline purchases, those in daytime shops
    fraud = weighted({
      none              = 1 - var.fraud_clients
      card_testing      = var.fraud_clients * 0.35
      account_takeover  = var.fraud_clients * 0.25
      impossible_travel = var.fraud_clients * 0.20
      night_spending    = var.fraud_clients * 0.20
    })
  }
}

# Each client owns one to three devices.
entity "device" {
  parent = entity.client
  count  = int(weighted({ "1" = 0.5, "2" = 0.35, "3" = 0.15 }))
  attributes {
    device_id = "${client.client_id}-D${index + 1}"
    type      = weighted({ mobile = 0.65, desktop = 0.25, tablet = 0.10 })
    os = switch(device.type, {
      mobile  = weighted({ android = 0.6, ios = 0.4 })
      desktop = weighted({ windows = 0.7, macos = 0.25, linux = 0.05 })
      tablet  = weighted({ android = 0.5, ipados = 0.5 })
    })
    ip = ipv4()
  }
}

# ---------------------------------------------------------------- reference tables

flow "client_rows" {
  actor = entity.client
  session { count = 1 }
  initial = "row"
  state "row" {
    emit "clients" {
      client_id = client.client_id
      name      = client.name
      city      = client.city
      lat       = client.lat
      lon       = client.lon
    }
  }
}

flow "device_rows" {
  actor = entity.device
  session { count = 1 }
  initial = "row"
  state "row" {
    emit "devices" {
      device_id = device.device_id
      client_id = client.client_id
      type      = device.type
      os        = device.os
      ip        = device.ip
    }
  }
}

flow "merchant_rows" {
  actor = entity.merchant
  session { count = 1 }
  initial = "row"
  state "row" {
    emit "merchants" {
      merchant_id = merchant.merchant_id
      name        = merchant.name
      category    = merchant.category
      online      = merchant.online
      city        = merchant.city
      lat         = merchant.lat
      lon         = merchant.lon
    }
  }
}

# ---------------------------------------------------------------- legit transactions
#
# One flow per daily profile; a session is one transaction. Offline
# purchases happen at a merchant of the category in the client's city and
# carry its coordinates; online purchases carry the device's IP and no
# coordinates.

flow "offline_24h" {
  actor = entity.client
  session {
    arrivals   = arrivals(client.tx_per_day * (1 - client.online_share) * (1 - client.day_share), [distribution.daily.round_the_clock, distribution.weekday])
    max_events = 1
  }
  initial = "purchase"
  state "purchase" {
    set = {
      cat      = sample_weighted(dataset.cat_round_the_clock, "share")
      merchant = lookup(entity.merchant, "key", "${client.city}|${ctx.cat.category}")
    }
    emit "transactions" {
      transaction_id = uuid()
      timestamp      = event.time
      client_id      = client.client_id
      merchant_id    = ctx.merchant.merchant_id
      device_id      = null
      category       = ctx.cat.category
      channel        = "offline"
      amount         = round(lognormal(ctx.cat.mu, ctx.cat.sigma), 2)
      city           = ctx.merchant.city
      lat            = ctx.merchant.lat
      lon            = ctx.merchant.lon
      ip             = null
      is_fraud       = false
      fraud_type     = null
    }
  }
}

flow "offline_daytime" {
  actor = entity.client
  session {
    arrivals   = arrivals(client.tx_per_day * (1 - client.online_share) * client.day_share, [distribution.daily.daytime, distribution.weekday])
    max_events = 1
  }
  initial = "purchase"
  state "purchase" {
    set = {
      cat      = sample_weighted(dataset.cat_daytime, "share")
      merchant = lookup(entity.merchant, "key", "${client.city}|${ctx.cat.category}")
    }
    emit "transactions" {
      transaction_id = uuid()
      timestamp      = event.time
      client_id      = client.client_id
      merchant_id    = ctx.merchant.merchant_id
      device_id      = null
      category       = ctx.cat.category
      channel        = "offline"
      amount         = round(lognormal(ctx.cat.mu, ctx.cat.sigma), 2)
      city           = ctx.merchant.city
      lat            = ctx.merchant.lat
      lon            = ctx.merchant.lon
      ip             = null
      is_fraud       = false
      fraud_type     = null
    }
  }
}

flow "online" {
  actor = entity.client
  session {
    arrivals   = arrivals(client.tx_per_day * client.online_share, [distribution.daily.online, distribution.weekday])
    max_events = 1
  }
  initial = "purchase"
  state "purchase" {
    set = {
      cat      = sample_weighted(dataset.cat_online, "share")
      merchant = lookup(entity.merchant, "category", ctx.cat.category)
      device   = choice(entity.device) # one of the client's own devices
    }
    emit "transactions" {
      transaction_id = uuid()
      timestamp      = event.time
      client_id      = client.client_id
      merchant_id    = ctx.merchant.merchant_id
      device_id      = ctx.device.device_id
      category       = ctx.cat.category
      channel        = "online"
      amount         = round(lognormal(ctx.cat.mu, ctx.cat.sigma), 2)
      city           = client.city # where the IP geolocates
      lat            = null
      lon            = null
      ip             = ctx.device.ip
      is_fraud       = false
      fraud_type     = null
    }
  }
}

# No two legit transactions of a client closer than min_gap (15 minutes); a
# time that falls too close is rebuilt from the client's last transaction
# plus a random allowed gap, drawn from the flow's own arrival process so
# that rebuilt times keep the daily profile. At most 12 legit transactions a
# day.
constraint "legit_spacing" {
  flows       = [flow.offline_24h, flow.offline_daytime, flow.online]
  min_gap     = var.min_gap
  max_per_day = 12
}

# Daytime shops are closed at night: a transaction that would land there
# (only possible with an explicit rebuild gap) is dropped rather than moved.
constraint "shop_hours" {
  flows       = [flow.offline_daytime]
  quiet_hours = ["22:00", "07:00"]
}

# ---------------------------------------------------------------- fraud
#
# Each pattern runs for the clients whose fraud attribute names it. Fraud is
# not subject to the legit constraints. fraud_difficulty blends each fraud
# feature towards its legit distribution: with probability d a feature
# (amount, timing, place) is drawn as a legit transaction would draw it.

# Card testing: a burst of small online charges a few seconds apart from an
# unknown IP, then one large charge.
flow "card_testing" {
  actor = entity.client
  session {
    count      = client.fraud == "card_testing" ? 1 : 0
    start      = uniform("0s", "89d")
    max_events = 16
  }
  gap     = bernoulli(var.fraud_difficulty) ? uniform("15m", "3h") : uniform("5s", "90s")
  initial = "probe"
  common "transactions" {
    transaction_id = uuid()
    timestamp      = event.time
    client_id      = client.client_id
    device_id      = null
    channel        = "online"
    city           = ctx.city
    lat            = null
    lon            = null
    ip             = ctx.ip
    is_fraud       = true
    fraud_type     = "card_testing"
  }
  state "probe" {
    set = {
      ip       = coalesce(ctx.ip, ipv4())
      city     = coalesce(ctx.city, sample_weighted(entity.city, "population").name)
      cat      = sample_weighted(dataset.cat_online, "share")
      merchant = lookup(entity.merchant, "category", ctx.cat.category)
    }
    emit "transactions" {
      merchant_id = ctx.merchant.merchant_id
      category    = ctx.cat.category
      amount      = bernoulli(var.fraud_difficulty) ? round(lognormal(ctx.cat.mu, ctx.cat.sigma), 2) : round(uniform(1.0, 50.0), 2)
    }
    # Another probe with probability 0.85, but at most 15: the 16th charge
    # (max_events) is always the cash-out, so every burst ends with one.
    transition "cash_out" { when = event.seq >= 15 }
    transition "probe" { probability = 0.85 }
    transition "cash_out" { otherwise = true }
  }
  state "cash_out" {
    set = {
      cat      = sample_weighted(dataset.cat_online, "share")
      merchant = lookup(entity.merchant, "category", ctx.cat.category)
    }
    emit "transactions" {
      merchant_id = ctx.merchant.merchant_id
      category    = ctx.cat.category
      amount      = round(lognormal(ctx.cat.mu + (1 - var.fraud_difficulty) * 2.5, ctx.cat.sigma), 2)
    }
  }
}

# Account takeover: a new device and IP appear (registered in the devices
# table), then a few high online charges within the hour, geolocated far
# from home.
flow "account_takeover" {
  actor = entity.client
  session {
    count      = client.fraud == "account_takeover" ? 1 : 0
    start      = uniform("0s", "89d")
    max_events = 6
  }
  gap     = bernoulli(var.fraud_difficulty) ? uniform("15m", "3h") : uniform("1m", "15m")
  initial = "new_device"
  state "new_device" {
    set = {
      # Named like the client's own devices: only its timing gives it away.
      device_id = "${client.client_id}-D${len(entity.device) + 1}"
      ip        = ipv4()
      place     = bernoulli(var.fraud_difficulty) ? client.home : sample_weighted(entity.city, "population")
    }
    emit "devices" {
      device_id = ctx.device_id
      client_id = client.client_id
      type      = "desktop"
      os        = weighted({ windows = 0.8, linux = 0.2 })
      ip        = ctx.ip
    }
    next = { spend = 1 }
  }
  state "spend" {
    set = {
      cat      = sample_weighted(dataset.cat_online, "share")
      merchant = lookup(entity.merchant, "category", ctx.cat.category)
    }
    emit "transactions" {
      transaction_id = uuid()
      timestamp      = event.time
      client_id      = client.client_id
      merchant_id    = ctx.merchant.merchant_id
      device_id      = ctx.device_id
      category       = ctx.cat.category
      channel        = "online"
      amount         = round(lognormal(ctx.cat.mu + (bernoulli(var.fraud_difficulty) ? 0 : 2.0), ctx.cat.sigma), 2)
      city           = ctx.place.name
      lat            = null
      lon            = null
      ip             = ctx.ip
      is_fraud       = true
      fraud_type     = "account_takeover"
    }
    next = { spend = 0.7, end = 0.3 }
  }
}

# Impossible travel: an offline purchase at home, then one in a city at
# least 1 000 km away too soon after it for any flight.
flow "impossible_travel" {
  actor = entity.client
  session {
    count      = client.fraud == "impossible_travel" ? 1 : 0
    start      = uniform("0s", "89d")
    max_events = 40
  }
  initial = "at_home"
  common "transactions" {
    transaction_id = uuid()
    timestamp      = event.time
    client_id      = client.client_id
    device_id      = null
    channel        = "offline"
    amount         = round(lognormal(ctx.cat.mu, ctx.cat.sigma), 2)
    category       = ctx.cat.category
    merchant_id    = ctx.merchant.merchant_id
    city           = ctx.merchant.city
    lat            = ctx.merchant.lat
    lon            = ctx.merchant.lon
    ip             = null
    is_fraud       = true
    fraud_type     = "impossible_travel"
  }
  state "at_home" {
    set = {
      cat      = sample_weighted(dataset.cat_round_the_clock, "share")
      merchant = lookup(entity.merchant, "key", "${client.city}|${ctx.cat.category}")
    }
    emit "transactions" {}
    delay = bernoulli(var.fraud_difficulty) ? uniform("8h", "24h") : uniform("10m", "90m")
    next  = { pick_far = 1 }
  }
  # Draws cities until one is far enough from the first purchase (no record).
  state "pick_far" {
    set = {
      cat      = sample_weighted(dataset.cat_round_the_clock, "share")
      far_city = sample_weighted(entity.city, "population").name
      far      = lookup(entity.merchant, "key", "${ctx.far_city}|${ctx.cat.category}")
    }
    delay = "0s"
    transition "pick_far" {
      when = ctx.far == null || distance_km(ctx.merchant.lat, ctx.merchant.lon, ctx.far.lat, ctx.far.lon) < 1000
    }
    transition "away" { otherwise = true }
  }
  state "away" {
    set = {
      merchant = ctx.far
    }
    emit "transactions" {}
  }
}

# Night spending: from a random day on, 3–8 purchases between 23:00 and 06:00,
# arriving at 0.8 a day (some nights none, some two), with high amounts.
flow "night_spending" {
  actor = entity.client
  session {
    count      = client.fraud == "night_spending" ? uniform(3, 8) : 0
    start      = uniform("0s", "80d")
    arrivals   = arrivals(0.8, [distribution.night])
    max_events = 1
  }
  initial = "purchase"
  state "purchase" {
    set = {
      cat      = sample_weighted(dataset.cat_round_the_clock, "share")
      merchant = lookup(entity.merchant, "key", "${client.city}|${ctx.cat.category}")
    }
    emit "transactions" {
      transaction_id = uuid()
      timestamp      = event.time
      client_id      = client.client_id
      merchant_id    = ctx.merchant.merchant_id
      device_id      = null
      category       = ctx.cat.category
      channel        = "offline"
      amount         = round(lognormal(ctx.cat.mu + (bernoulli(var.fraud_difficulty) ? 0 : 1.5), ctx.cat.sigma), 2)
      city           = ctx.merchant.city
      lat            = ctx.merchant.lat
      lon            = ctx.merchant.lon
      ip             = null
      is_fraud       = true
      fraud_type     = "night_spending"
    }
  }
}

# ---------------------------------------------------------------- output
#
# Seed 001 writes transactions in chunks of rows_per_file. Paths are relative
# to the run's directory (see runs above).

sink "transactions" {
  type          = "csv"
  stream        = "transactions"
  path          = "transactions-{{part}}.csv"
  rows_per_file = var.rows_per_file
}

sink "clients" {
  type   = "csv"
  stream = "clients"
  path   = "clients.csv"
}

sink "devices" {
  type   = "csv"
  stream = "devices"
  path   = "devices.csv"
}

sink "merchants" {
  type   = "csv"
  stream = "merchants"
  path   = "merchants.csv"
}
