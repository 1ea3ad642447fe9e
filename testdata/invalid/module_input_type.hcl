scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}

module "people" {
  source    = "stdlib/fake/person"
  count     = "many" # ERROR: Wrong input type
  id_format = 7      # ERROR: Wrong input type
}
