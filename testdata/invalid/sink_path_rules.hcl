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
    next = { end = 1 }
  }
}
sink "a" {
  type   = "jsonl"
  stream = "events"
  path   = "ev/{{nosuch}}.jsonl" # ERROR: Unknown placeholder in path
}
sink "b" {
  type   = "csv"
  stream = "events"
  path   = "ev.csv.bz2" # ERROR: Unsupported compression
}
sink "c" {
  type          = "jsonl"
  stream        = "events"
  path          = "ev.jsonl"
  rows_per_file = 2.5 # ERROR: Invalid rows_per_file
}
