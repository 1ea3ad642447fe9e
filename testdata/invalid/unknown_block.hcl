scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entitty "user" { # ERROR: Unsupported block type
  count = 10
}
