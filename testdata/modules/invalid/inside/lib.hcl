# Errors inside a module are reported at the module file's lines.

scenario "nested" { # ERROR: Scenario block in a module
  start = "2025-01-01"
  end   = "2025-01-02"
}

entity "user" {
  count = var.rate # ERROR: Unknown variable
  attributes {
    id   = "u${index}"
    tier = distribution.tiers # ERROR: Unknown distribution
  }
}

flow "visit" {
  actor = entity.users # ERROR: Unknown entity
  session { count = 1 }
  initial = "v"
  state "v" {
    emit "events" {
      id = user.id
    }
  }
}

sink "own" { # ERROR: Sink in a module
  type   = "stdout"
  stream = "events"
}
