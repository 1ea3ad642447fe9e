variable "users" {
  type    = number
  default = "many" # ERROR: Wrong default type
}
scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
