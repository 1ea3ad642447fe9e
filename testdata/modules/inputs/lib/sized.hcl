# A module whose default is invalid: it needs its input.

variable "size" {
  default     = -1
  description = "number of things"
}

entity "thing" {
  count = var.size
  attributes {
    id = index
  }
}
