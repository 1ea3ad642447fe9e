scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}

module "people" {
  source = "stdlib/fake/person"
  count  = 10
  contry = "DE" # ERROR: Unknown module input
}
