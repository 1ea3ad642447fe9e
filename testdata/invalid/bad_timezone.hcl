scenario "t" {
  timezone = "Mars/Olympus" # ERROR: Unknown time zone
  start    = "2025-01-01"
  end      = "2025-01-02"
}
