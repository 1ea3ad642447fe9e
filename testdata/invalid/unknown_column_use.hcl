scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
dataset "recipes" {
  path = "../../scenarios/data/recipes.csv"
}
entity "user" {
  count = 3
  attributes {
    # Only the unknown column is reported, not choice's empty argument.
    favourite = choice(dataset.recipes.no_such_column) # ERROR: Unknown column
  }
}
