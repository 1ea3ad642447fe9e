scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "user" {
  count = uniform(1, 10) # ERROR: Value not known in advance
}
