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
  actor = entity.user
  session {
    count  = 1
    evrey  = "1h" # ERROR: Unsupported argument
  }
  initial = "a"
  state "a" {
    emit "events" { n = 1 }
  }
}
