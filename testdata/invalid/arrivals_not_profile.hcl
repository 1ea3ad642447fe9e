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
distribution "amount" {
  value = lognormal(3.2, 0.8)
}
flow "f" {
  actor = entity.user
  session {
    arrivals = arrivals(5, [distribution.amount]) # ERROR: Not a profile
  }
  initial = "a"
  state "a" {
    emit "events" { n = 1 }
  }
}
