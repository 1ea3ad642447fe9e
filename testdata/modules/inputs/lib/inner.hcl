# Members who emit one event each.

variable "size" {
  type        = number
  description = "number of members"
}

variable "prefix" {
  default     = "m-"
  description = "member id prefix"
}

variable "step" {
  default     = 1
  description = "divides the member's number in the event"
}

entity "member" {
  count = var.size
  attributes {
    id = "${var.prefix}${index + 1}"
  }
}

flow "join" {
  actor = entity.member
  session { count = 1 }
  initial = "joined"
  state "joined" {
    emit "members" {
      id = member.id
      v  = index / var.step
    }
  }
}
