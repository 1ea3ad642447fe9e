scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}

# A file cannot include itself.
module "again" {
  source = "./module_self_cycle.hcl" # ERROR: Module cycle
}
