# Clickstream: visitors of an online shop, after the pandas clickstream
# tutorial (seeds/000). Each user has 1..10 sessions, each session 1..50
# events 5-200 s apart, with the tutorial's url and event_type weights.
#
# Differences from the tutorial, on purpose:
# - The tutorial loops `range(1, randint(1, n + 1))`, which yields 0..n-1
#   sessions (and events); the intent is 1..n, which is what we draw.
# - The tutorial never resets `start_datetime` between users, so every user
#   starts where the previous one's last session began and the dates drift by
#   years over a few hundred users. Here every user starts from the scenario
#   start plus their own random offset, as the tutorial describes.
# - A user's sessions never overlap: the next session starts at its planned
#   offset or after the previous session's last event, whichever is later.

scenario "clickstream" {
  seed     = 20220324
  timezone = "UTC"
  start    = "2022-03-24T00:00:00"
  # 10 sessions, each up to ~31 days after the previous one, fit in a year.
  end = "2023-04-01T00:00:00"
}

variable "users" {
  default     = 20000
  description = "number of users (the tutorial used 100)"
}

variable "max_sessions" {
  default = 10
}

variable "max_events" {
  default = 50
}

# The tutorial's random offset: 0-30 days, 0-23 h, 0-59 min and 1-59 s, each
# drawn separately (so the sum is not uniform, exactly as in the tutorial).
distribution "offset" {
  value = days(uniform(0, 30)) + hours(uniform(0, 23)) + minutes(uniform(0, 59)) + seconds(uniform(1, 59))
}

entity "user" {
  count = var.users
  attributes {
    user_id = "UID-${index + 1}"
  }
}

flow "visit" {
  actor = entity.user

  session {
    count      = uniform(1, var.max_sessions)
    start      = distribution.offset
    every      = distribution.offset
    max_events = uniform(1, var.max_events)
  }

  # A session starts with its first event. (The tutorial adds one more 5-200 s
  # gap before the first event, which only shifts the start by another offset.)
  gap     = seconds(uniform(5, 200))
  initial = "event"

  state "event" {
    emit "events" {
      user_id    = user.user_id
      session_id = "s-${session.id}"
      event_id   = "e-${hex(32)}"
      timestamp  = event.time
      url        = weighted({ "/product" = 30, "/category" = 10, "/home" = 5, "/contact" = 2, "/cart" = 5, "/order" = 1 })
      event_type = weighted({ page_view = 30, click = 15, add_to_cart = 6, submit = 2 })
    }
    next = { event = 1 }
  }
}

sink "events" {
  type   = "jsonl"
  stream = "events"
  path   = "clickstream/events.jsonl"
}
