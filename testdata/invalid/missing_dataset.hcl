scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
dataset "recipes" {
  path = "no/such/recipes.csv" # ERROR: Cannot load dataset
}
