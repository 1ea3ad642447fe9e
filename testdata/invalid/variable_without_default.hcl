variable "users" { # ERROR: Missing variable value
  type = number
}
scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
