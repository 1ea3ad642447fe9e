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
entity "device" {
  parent = entity.user
  count  = 2
  attributes {
    id = "d${index}"
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
  }
}
flow "g" {
  actor = entity.device
  session {
    count = 1
  }
  initial = "a"
  state "a" {
    emit "devices" { id = device.id }
  }
}
constraint "c" {
  flows   = [flow.f, flow.g] # ERROR: Flows of different actors
  min_gap = "10m"
}
