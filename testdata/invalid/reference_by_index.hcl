# Found by FuzzCompile: a reference whose second step is an index
# (entity.0 is HCL's legacy index syntax) used to panic the compiler.
scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "user" {
  count = 10
}
distribution "hour_of_day" {
  hourly = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
}
flow "f" {
  actor = entity.0 # ERROR: Invalid actor
  initial = "a"
  state "a" {
    emit "events" { n = 1 }
  }
}
flow "g" {
  actor = entity.user
  session {
    arrivals = arrivals(5, [distribution.0]) # ERROR: Invalid profile
  }
  initial = "a"
  state "a" {
    emit "events" { n = 1 }
  }
}
