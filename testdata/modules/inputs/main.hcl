scenario "inputs" {
  seed  = 3
  start = "2025-01-01"
  end   = "2025-01-02"
}

module "direct" {
  source = "./lib/inner.hcl"
  size   = 2
  step   = 2
}

module "nested" {
  source = "./lib/outer.hcl"
  n      = 3
}

module "sized" {
  source = "./lib/sized.hcl"
  size   = 4
}

sink "members" {
  type   = "jsonl"
  stream = "members"
  path   = "members.jsonl"
}
