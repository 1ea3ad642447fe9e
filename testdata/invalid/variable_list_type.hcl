variable "countries" {
  type = list(string) # ERROR: Invalid variable type
}
variable "mix" {
  type = map # ERROR: Invalid variable type
}
scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
