scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-02"
  runs  = "../elsewhere" # ERROR: Invalid runs directory
}
variable "env" { default = "dev" }
entity "user" {
  count = 10
  attributes {
    id = "u${index}"
  }
}
flow "f" {
  actor   = entity.user
  initial = "a"
  state "a" {
    emit "events" { id = user.id }
  }
}
sink "events" {
  type   = "jsonl"
  stream = "events"
  path   = "t/events.jsonl"
}
