# with.hcl with its standard library pieces copied in, in the modules'
# places: the same bytes.

scenario "pieces" {
  seed     = 11
  timezone = "Asia/Seoul"
  start    = "2025-06-02"
  end      = "2025-06-09"
}

# stdlib/profiles/web
distribution "hour_of_day" {
  hourly = [0.05, 0.03, 0.02, 0.02, 0.03, 0.08, 0.25, 0.45, 0.60, 0.75, 0.85, 0.90,
  1.00, 0.95, 0.85, 0.80, 0.85, 0.90, 0.95, 1.00, 0.95, 0.85, 0.70, 0.35]
}

distribution "weekday" {
  weekly = { mon = 0.8, tue = 0.9, wed = 0.95, thu = 1.0, fri = 1.1, sat = 1.495, sun = 1.38 }
}

# stdlib/profiles/transactions
distribution "round_the_clock" {
  hourly = [0.10, 0.06, 0.04, 0.03, 0.03, 0.05, 0.15, 0.35, 0.50, 0.45, 0.45, 0.55,
  0.75, 0.70, 0.55, 0.55, 0.65, 0.90, 1.00, 1.00, 0.95, 0.70, 0.40, 0.20]
}

distribution "daytime" {
  hourly = [0, 0, 0, 0, 0, 0, 0, 0.10, 0.25, 0.55, 0.75, 0.85,
  0.95, 0.90, 0.85, 0.85, 0.90, 0.95, 1.00, 0.90, 0.60, 0.25, 0, 0]
}

distribution "online" {
  hourly = [0.30, 0.20, 0.12, 0.08, 0.06, 0.06, 0.10, 0.20, 0.35, 0.45, 0.55, 0.60,
  0.65, 0.60, 0.60, 0.60, 0.65, 0.75, 0.85, 0.95, 1.00, 0.95, 0.75, 0.50]
}

# stdlib/population/users (count = 40), with stdlib/population/segments
distribution "demographic" {
  value = weighted({ FEMALE_20S = 0.142, FEMALE_30S = 0.207, FEMALE_40_PLUS = 0.356,
  MALE_20S = 0.062, MALE_30S = 0.085, MALE_40_PLUS = 0.148 })
}

entity "user" {
  count = 40
  attributes {
    user_id     = "user_${index + 1}"
    demographic = distribution.demographic
    gender = switch(user.demographic, {
      FEMALE_20S = "female", FEMALE_30S = "female", FEMALE_40_PLUS = "female", default = "male"
    })
    age_group = switch(user.demographic, {
      FEMALE_20S = "20s", MALE_20S = "20s", FEMALE_30S = "30s", MALE_30S = "30s", default = "40+"
    })
  }
}

# stdlib/fake/person (count = 30, email_domain = "example.com")
entity "person" {
  count = 30
  attributes {
    person_id = format("P%07d", index + 1)
    name      = name()
    email     = email(person.name, "example.com")
    phone     = phone()
    place     = city_location("")
    city      = person.place.city
    country   = person.place.country_code
  }
}

flow "browse" {
  actor = entity.user
  session {
    arrivals   = arrivals(2, [distribution.hour_of_day, distribution.weekday])
    max_events = 3
  }
  gap     = uniform("5s", "2m")
  initial = "view"
  state "view" {
    emit "events" {
      user_id = user.user_id
      gender  = user.gender
      age     = user.age_group
      segment = user.demographic
      at      = event.time
    }
    next = { view = 0.5, end = 0.5 }
  }
}

flow "shop" {
  actor = entity.person
  session {
    arrivals   = arrivals(1.5, [distribution.online])
    max_events = 1
  }
  initial = "buy"
  state "buy" {
    emit "orders" {
      person_id = person.person_id
      name      = person.name
      email     = person.email
      phone     = person.phone
      city      = person.city
      country   = person.country
      lat       = person.place.lat
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
