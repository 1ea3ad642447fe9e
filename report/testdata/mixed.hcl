# Fields whose type differs between the emits of one stream, for scen
# report's tests: Parquet stores such a field as JSON text ("x" quoted, 7
# unquoted), JSON lines as typed values and CSV as plain text; the report
# must read the same records from all three. The tests also run edited
# copies (another constant, other weights) and report them against this
# file: the checks must fail alike in every format.
scenario "mixed" {
  seed     = 11
  timezone = "UTC"
  start    = "2025-03-03T00:00:00"
  end      = "2025-03-10T00:00:00"
}

entity "user" {
  count = 60
  attributes {
    user_id = "u${index + 1}"
  }
}

flow "visit" {
  actor = entity.user
  session {
    arrivals = arrivals(1.0)
  }
  gap     = uniform("5s", "2m")
  initial = "a"

  common "events" {
    event_name = state.name
    user_id    = user.user_id
    session_id = "s-${session.id}"
    timestamp  = event.time
  }

  state "a" {
    emit "events" {
      v    = 7                               # int here, a string in b
      w    = 1.5                             # float here, a string in b
      k    = weighted({ red = 1, blue = 3 }) # a weighted string here, an int in b
      flag = true                            # bool here, a string in b
      at   = event.time                      # time here, a string in b
      opt  = null                            # null here, a string in b
    }
    next = { b = 0.5, end = 0.5 }
  }

  state "b" {
    emit "events" {
      v    = "x"
      w    = "hello"
      k    = 2
      flag = "no"
      at   = "never"
      opt  = "set"
      z    = weighted({ p = 1, q = 2 }) # only in b
    }
    next = { end = 1 }
  }
}

sink "jsonl" {
  type   = "jsonl"
  stream = "events"
  path   = "mixed/events.jsonl"
}

sink "csv" {
  type   = "csv"
  stream = "events"
  path   = "mixed/events.csv"
}

sink "parquet" {
  type   = "parquet"
  stream = "events"
  path   = "mixed/events.parquet"
}
