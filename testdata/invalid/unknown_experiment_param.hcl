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
experiment "ab" {
  unit   = user.id
  groups = { control = 0.5, treatment = 0.5 }
}
flow "f" {
  actor   = entity.user
  initial = "a"
  state "a" {
    emit "events" {
      ctr = experiment.ab.ctr # ERROR: Unknown experiment field
    }
  }
}
