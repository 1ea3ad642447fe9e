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
  parent = entity.usr # ERROR: Unknown parent
  count  = 2
  attributes {
    id = "d${index}"
  }
}
