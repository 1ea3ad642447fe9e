scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
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
    emit "events" { n = 1 }
  }
  state "end" { # ERROR: Reserved state name
    emit "events" { n = 2 }
  }
}
