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
    transition "a" {
      probability = 1.5 # ERROR: Invalid probability
    }
  }
}
