scenario "t" {
  start = "2025-13-01" # ERROR: Invalid time
  end   = "2025-01-01"
}
