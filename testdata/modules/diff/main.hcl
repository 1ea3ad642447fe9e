scenario "traffic" {
  start = "2025-01-01"
  end   = "2025-01-08"
}

module "web" {
  source   = "./lib"
  visitors = 10
}

flow "visit" {
  actor = entity.web.visitor
  session {
    arrivals = arrivals(3, [distribution.web.hour_of_day])
  }
  initial = "view"
  state "view" {
    emit "views" {
      visitor = web.visitor.id
    }
  }
}

sink "views" {
  type   = "stdout"
  stream = "views"
}
