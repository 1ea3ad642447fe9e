scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "user" {
  count = 10
  attributes {
    tier  = "gold"
    label = "${user.teir}-x" # ERROR: Unknown attribute
  }
}
