scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-03"
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
    count = 1
  }
  initial = "a"
  state "a" {
    emit "events" { id = user.id }
    next = { end = 1 }
  }
  state "orphan" { # ERROR: Unreachable state
    emit "events" { id = user.id }
  }
}
