scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}

module "lib" {
  source = "./no_such_module.hcl" # ERROR: Module source not found
}

module "web" {
  source = "stdlib/profiles/webb" # ERROR: Unknown standard library module
}

module "bare" {
  source = "profiles/web" # ERROR: Invalid module source
}

module "none" { # ERROR: Missing module source
}
