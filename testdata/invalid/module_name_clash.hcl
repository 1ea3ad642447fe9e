scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}

distribution "web" {
  value = uniform(1, 2)
}

module "web" { # ERROR: Module name clashes
  source = "stdlib/profiles/web"
}

module "var" { # ERROR: Reserved module name
  source = "stdlib/profiles/web"
}
