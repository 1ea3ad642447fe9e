scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
distribution "week" {
  weekly = { mon = 1, tue = 1, wed = 1, thu = 1, fri = 1, sat = 1, sundy = 1 } # ERROR: Invalid profile key
}
