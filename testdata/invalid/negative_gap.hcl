scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "user" {
  count = 10
}
flow "f" {
  actor = entity.user
  session {
    max_events = 0 # ERROR: Invalid max_events
  }
  gap     = "-5m" # ERROR: Negative gap
  initial = "a"
  state "a" {
    delay = minutes(-1) # ERROR: Negative delay
    emit "events" { n = 1 }
    next = { a = 1 }
  }
}
