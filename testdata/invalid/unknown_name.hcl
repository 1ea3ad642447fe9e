scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "user" {
  count = 10
  attributes {
    n = idx + 1 # ERROR: Unknown name
  }
}
