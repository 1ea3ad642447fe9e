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
    emit "a" { n = 1 }
    emit "b" { n = 2 }
  }
}
sink "a" {
  type   = "jsonl"
  stream = "a"
  path   = "out/same.jsonl"
}
sink "b" {
  type   = "csv"
  stream = "b"
  path   = "out/./same.jsonl" # ERROR: Duplicate sink path
}
sink "c" {
  type   = "jsonl"
  stream = "b"
  path   = "out/other.jsonl"
}
