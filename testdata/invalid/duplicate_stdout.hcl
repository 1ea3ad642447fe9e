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
  type   = "stdout"
  stream = "a"
}
sink "b" {
  type   = "stdout" # ERROR: Second stdout sink
  stream = "b"
  format = "csv"
}
sink "c" {
  type   = "jsonl"
  stream = "b"
  path   = "b.jsonl"
}
