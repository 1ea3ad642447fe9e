scenario "t" {
  start = "2025-01-02"
  end   = "2025-01-01" # ERROR: Empty time window
}
