scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
distribution "hours" {
  hourly = [1, 2, 3] # ERROR: Invalid profile
}
