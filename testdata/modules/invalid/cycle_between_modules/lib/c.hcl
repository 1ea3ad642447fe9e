module "a" {
  source = "./a.hcl" # ERROR: Module cycle
}
