scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}

# stdlib/fake/person's count has no default.
module "people" { # ERROR: Missing module input
  source  = "stdlib/fake/person"
  country = "DE"
}
