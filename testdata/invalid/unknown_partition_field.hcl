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
    emit "events" { country = "DE" }
  }
}
sink "s" {
  type   = "jsonl"
  stream = "events"
  path   = "e/country={{field:contry}}/e.jsonl" # ERROR: Unknown field in path
}
