module "c" {
  source = "./c.hcl"
}
