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
    arrivals = arrivals(1)
  }
  initial = "a"
  state "a" {
    emit "events" { id = user.id }
  }
}
constraint "c" {
  flows   = [flow.f]
  min_gap = "30d" # ERROR: Impossible constraint
}
