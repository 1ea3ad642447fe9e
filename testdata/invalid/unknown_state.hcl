scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "user" {
  count = 10
}
flow "f" {
  actor   = entity.user
  initial = "a"
  state "a" {
    emit "events" { n = 1 }
    next = { b = 0.5, end = 0.5 } # ERROR: Unknown state
  }
}
sink "s" {
  type   = "jsonl"
  stream = "events"
  path   = "e.jsonl"
}
