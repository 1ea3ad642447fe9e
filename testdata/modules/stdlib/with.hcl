# Standard library pieces; inline.hcl is the same scenario with the pieces
# copied in, and must give the same bytes.

scenario "pieces" {
  seed     = 11
  timezone = "Asia/Seoul"
  start    = "2025-06-02"
  end      = "2025-06-09"
}

module "web" {
  source = "stdlib/profiles/web"
}

module "daily" {
  source = "stdlib/profiles/transactions"
}

module "users" {
  source = "stdlib/population/users"
  count  = 40
}

module "people" {
  source       = "stdlib/fake/person"
  count        = 30
  email_domain = "example.com"
}

flow "browse" {
  actor = entity.users.user
  session {
    arrivals   = arrivals(2, [distribution.web.hour_of_day, distribution.web.weekday])
    max_events = 3
  }
  gap     = uniform("5s", "2m")
  initial = "view"
  state "view" {
    emit "events" {
      user_id = users.user.user_id
      gender  = actor.gender
      age     = actor.age_group
      segment = actor.demographic
      at      = event.time
    }
    next = { view = 0.5, end = 0.5 }
  }
}

flow "shop" {
  actor = entity.people.person
  session {
    arrivals   = arrivals(1.5, [distribution.daily.online])
    max_events = 1
  }
  initial = "buy"
  state "buy" {
    emit "orders" {
      person_id = actor.person_id
      name      = actor.name
      email     = people.person.email
      phone     = actor.phone
      city      = actor.city
      country   = actor.country
      lat       = actor.place.lat
      at        = event.time
    }
  }
}

sink "events" {
  type   = "jsonl"
  stream = "events"
  path   = "events.jsonl"
}

sink "orders" {
  type   = "jsonl"
  stream = "orders"
  path   = "orders.jsonl"
}
