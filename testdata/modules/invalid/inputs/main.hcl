scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}

module "shop" { # ERROR: Missing module input
  source    = "../../twice/lib/shop.hcl"
  customers = 3
  amount    = [1.0, 5.0] # ERROR: Unknown module input
}
