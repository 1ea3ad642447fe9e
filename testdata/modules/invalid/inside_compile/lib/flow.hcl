entity "user" {
  count = 2
  attributes {
    id = "u${index}"
  }
}

flow "visit" {
  actor = entity.user
  session { count = 1 }
  initial = "v"
  state "v" {
    emit "events" {
      id     = user.idd # ERROR: Unknown attribute
      amount = distribution.amount
    }
  }
}
