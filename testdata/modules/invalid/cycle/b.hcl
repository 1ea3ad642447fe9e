distribution "x" {
  value = uniform(1, 2)
}

# b.hcl includes the scenario that includes it.
module "back" {
  source = "./main.hcl" # ERROR: Module cycle
}
