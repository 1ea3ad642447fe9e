variable "visitors" {
  type = number
}

entity "visitor" {
  count = var.visitors
  attributes {
    id = "v${index}"
  }
}
