variable "users" { # ERROR: Missing variable value
  type = number
}
scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
# The uses of a variable without a value are not reported again.
entity "user" {
  count = var.users
  attributes {
    n = var.users * 2
  }
}
