scenario "two_shops" {
  seed  = 7
  start = "2025-03-01"
  end   = "2025-03-02"
}

variable "big_customers" {
  default = 5
}

module "corner" {
  source    = "./lib/shop.hcl"
  customers = 3
  prefix    = "corner-"
}

module "mall" {
  source    = "./lib/shop.hcl"
  customers = var.big_customers
  prefix    = "mall-"
  amounts   = [100.0, 200.0]
}

sink "sales" {
  type   = "jsonl"
  stream = "sales"
  path   = "sales.jsonl"
}
