scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
dataset "recipes" {
  path = "no/such/recipes.csv" # ERROR: Cannot load dataset
}
dataset "quick" {
  from  = dataset.recipes
  where = row.minutes < 20
}
# The uses of a dataset that failed to load are not reported again
# (neither as unknown nor through the functions they are passed to).
entity "user" {
  count = 3
  attributes {
    favourite = choice(dataset.recipes.title)
    quick     = sample_rows(dataset.quick, 2)
    row       = dataset.recipes[index]
  }
}
