# People with consistent fake contact details: the email address is built
# from the person's name, the city is a real one with its coordinates.
#
#   module "customers" {
#     source  = "stdlib/fake/person"
#     count   = 5000
#     country = "DE"
#   }
#   flow "orders" { actor = entity.customers.person … }   # actor.email …

variable "count" {
  type        = number
  description = "number of people"
}

variable "id_format" {
  default     = "P%07d"
  description = "format(id_format, n) gives a person's id, n from 1"
}

variable "email_domain" {
  default     = ""
  description = "domain of every email address; \"\" draws a common mail provider per person"
}

variable "country" {
  default     = ""
  description = "ISO 3166-1 alpha-2 code of the cities drawn (\"\" = any)"
}

entity "person" {
  count = var.count
  attributes {
    person_id = format(var.id_format, index + 1)
    name      = name()
    email     = email(person.name, var.email_domain)
    phone     = phone()
    place     = city_location(var.country)
    city      = person.place.city
    country   = person.place.country_code
  }
}
