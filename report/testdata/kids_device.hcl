# An experiment whose unit is a child entity's actor, for scen report's
# tests: users own one to three devices (drawn per user), and each device
# is assigned by its own id. The override reads the parent's attribute
# (user.tier) and the device's own (device.os). The devices stream holds
# one row per device, to compare Plan.ExperimentActors with what the run
# built.
scenario "kids_device" {
  seed     = 5
  timezone = "UTC"
  start    = "2025-03-03T00:00:00"
  end      = "2025-03-17T00:00:00"
}

entity "user" {
  count = 150
  attributes {
    user_id = "u${index + 1}"
    tier    = weighted({ gold = 1, silver = 3 })
  }
}

entity "device" {
  parent = entity.user
  count  = int(weighted({ "1" = 0.5, "2" = 0.3, "3" = 0.2 }))
  attributes {
    device_id = "${user.user_id}-d${index + 1}"
    os        = weighted({ ios = 1, android = 1 })
  }
}

experiment "onboarding" {
  unit   = device.device_id
  during = ["2025-03-05", "2025-03-15"]
  groups = { control = 0.5, treatment = 0.5 }
  param "convert_p" {
    control   = 0.2
    treatment = 0.4
    override {
      when      = user.tier == "gold" && device.os == "ios"
      treatment = 0.7
    }
  }
}

flow "use" {
  actor = entity.device
  session {
    arrivals = arrivals(0.5)
  }
  gap     = uniform("5s", "2m")
  initial = "open"

  common "events" {
    event_name = state.name
    device_id  = device.device_id
    session_id = "s-${session.id}"
    timestamp  = event.time
    group      = experiment.onboarding.group
  }

  state "open" {
    emit "events" {}
    transition "convert" { probability = experiment.onboarding.convert_p }
    transition "end" { weight = 1 }
  }

  state "convert" {
    emit "events" {}
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
      tier      = user.tier
      os        = device.os
    }
  }
}

sink "events" {
  type   = "jsonl"
  stream = "events"
  path   = "kids_device/events.jsonl"
}

sink "devices" {
  type   = "jsonl"
  stream = "devices"
  path   = "kids_device/devices.jsonl"
}
