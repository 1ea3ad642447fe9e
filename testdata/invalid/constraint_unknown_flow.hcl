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
flow "browse" {
  actor = entity.user
  session {
    arrivals = arrivals(1)
  }
  initial = "a"
  state "a" {
    emit "events" { id = user.id }
  }
}
constraint "c" {
  flows   = [flow.brwse] # ERROR: Unknown flow
  min_gap = "10m"
}
