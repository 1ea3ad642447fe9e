variable "mix" {
  type    = object
  default = [0.6, 0.4] # ERROR: Wrong default type
}
variable "weights" { default = { a = 1 } }
scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "u" {
  count = len(var.weights)
  attributes {
    device = weighted(var.mix)
    first  = var.weights.b # ERROR: Unknown key
    spend  = mixture(var.weights, [1, 2]) # ERROR: Invalid argument
  }
}
