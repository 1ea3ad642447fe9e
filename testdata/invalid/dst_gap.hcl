scenario "t" {
  timezone = "Europe/Berlin"
  start    = "2025-03-30T02:30:00" # ERROR: Invalid time
  end      = "2025-04-01"
}
entity "user" {
  count = 10
  attributes { id = "u${index}" }
}
experiment "x" {
  unit   = user.id
  during = ["2025-03-30T02:00", "2025-03-31"] # ERROR: Invalid time
  groups = { a = 0.5, b = 0.5 }
}
flow "f" {
  actor   = entity.user
  initial = "a"
  state "a" {
    emit "events" { g = experiment.x.group }
    next = { end = 1 }
  }
}
