scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}

module "web" {
  source = "stdlib/profiles/web"
}

module "people" {
  source = "stdlib/fake/person"
  count  = 5
}

flow "visit" {
  actor = entity.people.persons # ERROR: Unknown entity
  session {
    arrivals = arrivals(2, [distribution.web.hourly]) # ERROR: Unknown distribution
  }
  initial = "v"
  state "v" {
    emit "events" {
      city = people.person    # ERROR: Invalid reference
      day  = distribution.web # ERROR: Incomplete reference
    }
  }
}

sink "out" {
  type   = "stdout"
  stream = "events"
}
