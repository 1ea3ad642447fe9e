scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "user" {
  count = 10
  attributes { tags = ["a", "b"] }
}
flow "f" {
  actor   = entity.user
  initial = "a"
  state "a" {
    emit "events" {
      country = "DE"
      address = { city = "Berlin", zip = "10115" }
      tags    = user.tags
      extra   = json({ a = 1 })
    }
  }
}
sink "by_object" {
  type   = "jsonl"
  stream = "events"
  path   = "o/address={{field:address}}/e.jsonl" # ERROR: Field cannot partition the path
}
sink "by_list" {
  type   = "csv"
  stream = "events"
  path   = "l/country={{field:country}}/tags={{field:tags}}/e.csv" # ERROR: Field cannot partition the path
}
sink "by_json" {
  type   = "jsonl"
  stream = "events"
  path   = "j/{{field:extra}}/e.jsonl" # ERROR: Field cannot partition the path
}
sink "fine" {
  type   = "jsonl"
  stream = "events"
  path   = "c/country={{field:country}}/e.jsonl"
}
