scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}

module "b" {
  source = "./b.hcl"
}
