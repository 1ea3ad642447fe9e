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
    next = { b = 0.5, end = 0.5 }
  }
  state "b" { # ERROR: State has no way out
    emit "events" { id = user.id }
    next = { c = 1 }
  }
  state "c" { # ERROR: State has no way out
    emit "events" { id = user.id }
    transition "b" { weight = 1 }
  }
}
