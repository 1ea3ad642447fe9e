variable "users" {
  default = 10
}
scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "user" {
  count = var.user # ERROR: Unknown variable
}
