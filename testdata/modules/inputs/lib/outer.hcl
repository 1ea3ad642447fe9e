# A module that includes another one and passes its inputs on: errors
# caused by a bad input point at the scenario's input (engine/modules_test.go).

variable "n" {
  type        = number
  description = "number of members"
}

variable "prefix" {
  default     = "o-"
  description = "member id prefix"
}

module "inner" {
  source = "./inner.hcl"
  size   = var.n
  prefix = var.prefix
}
