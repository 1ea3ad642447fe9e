# A customer table with realistic fake profiles: names, emails derived from
# the name, phones of the customer's country, real cities with coordinates, devices with consistent
# user agents, IPs, Luhn-valid cards and valid IBANs. Every value comes from
# the customer's own random stream, so the table is identical for any
# --workers and --shard.
#
#   scen run scenarios/users.hcl --var customers=100000

scenario "users" {
  seed     = 7
  timezone = "Europe/Berlin"
  start    = "2025-01-01T00:00:00"
  end      = "2026-01-01T00:00:00"
}

variable "customers" {
  default = 10000
}

entity "customer" {
  count = var.customers
  attributes {
    customer_id = format("C%07d", index + 1)
    full_name   = name()
    home        = city_location()
    device      = device()
    signup_at   = uniform(scenario.start, scenario.end)
    segment     = weighted({ retail = 0.7, premium = 0.2, business = 0.1 })
  }
}

flow "signup" {
  actor = entity.customer
  session {
    count = 1
    start = customer.signup_at - scenario.start
  }
  initial = "register"
  state "register" {
    emit "customers" {
      customer_id = customer.customer_id
      name        = customer.full_name
      email       = email(customer.full_name)
      phone       = phone(customer.home.country_code) # a mobile number of the city's country
      city        = customer.home.city
      country     = customer.home.country_code
      lat         = customer.home.lat
      lon         = customer.home.lon
      device = {
        model = customer.device.model
        os    = customer.device.os
      }
      user_agent  = customer.device.user_agent
      ip          = ipv4()
      card_number = card_number()
      iban        = customer.segment == "business" ? iban("DE") : null
      segment     = customer.segment
      signed_up   = event.time
    }
  }
}

sink "customers" {
  type   = "csv"
  stream = "customers"
  path   = "users/customers.csv"
}
