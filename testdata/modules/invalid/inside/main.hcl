scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}

variable "rate" {
  default = 3
}

module "lib" {
  source = "./lib.hcl"
}

sink "out" {
  type   = "stdout"
  stream = "events"
}
