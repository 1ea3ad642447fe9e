scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-03"
}
entity "sensor" {
  count = 10
  attributes {
    id = "s${index}"
  }
}
flow "telemetry" { # ERROR: Sessions never end
  actor = entity.sensor
  session {
    count = 1
  }
  gap     = "1m"
  initial = "ok"
  state "ok" {
    emit "readings" { id = sensor.id }
    next = { ok = 0.99, failed = 0.01 }
  }
  state "failed" {
    emit "readings" { id = sensor.id }
    next = { ok = 1 }
  }
  state "never" { # ERROR: Unreachable state
    emit "readings" { id = sensor.id }
  }
}
