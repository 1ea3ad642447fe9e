scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-03"
}
dataset "categories" {
  path = "../../scenarios/data/categories.csv"
}
entity "user" {
  count = 10
  attributes {
    id  = "u${index}"
    cat = choice(dataset.categories.categroy) # ERROR: Unknown column
  }
}
flow "f" {
  actor = entity.user
  session {
    count = 1
  }
  initial = "a"
  state "a" {
    emit "events" { id = user.id }
  }
}
