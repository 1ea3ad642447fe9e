# A user population with seed 002's demographic segments.
#
#   module "people" {
#     source = "stdlib/population/users"
#     count  = 20000
#   }
#   flow "visit" { actor = entity.people.user … }   # actor.user_id, actor.gender …

variable "count" {
  type        = number
  description = "number of users"
}

variable "id_prefix" {
  default     = "user_"
  description = "user ids are the prefix and the user's number from 1"
}

module "segments" {
  source = "./segments.hcl"
}

entity "user" {
  count = var.count
  attributes {
    user_id     = "${var.id_prefix}${index + 1}"
    demographic = distribution.segments.demographic
    gender = switch(user.demographic, {
      FEMALE_20S = "female", FEMALE_30S = "female", FEMALE_40_PLUS = "female", default = "male"
    })
    age_group = switch(user.demographic, {
      FEMALE_20S = "20s", MALE_20S = "20s", FEMALE_30S = "30s", MALE_30S = "30s", default = "40+"
    })
  }
}
