# Session context kept in the session's store, remembered across sessions:
# every session opens by emitting what the previous one remembered, then
# picks rows and a tag, remembers them and emits them.
scenario "session_store" {
  seed  = 7
  start = "2025-01-01T00:00:00"
  end   = "2025-01-05T00:00:00"
}

entity "u" {
  count = 40
  attributes {
    id = "u${index}"
  }
}

flow "f" {
  actor = entity.u
  session {
    count      = 30
    every      = uniform("10m", "3h")
    max_events = 3
  }
  gap     = uniform("1s", "40m")
  initial = "open"
  state "open" {
    emit "e" {
      user     = u.id
      kind     = "open"
      prev     = pluck(memory.last, "id")
      prev_tag = memory.last_tag
    }
    next = { pick = 1 }
  }
  state "pick" {
    set = {
      listed = sample_rows([{ id = "a" }, { id = "b" }, { id = "c" }, { id = "d" }, { id = "e" }, { id = "f" }], 3)
      tag    = "t-${hex(12)}"
    }
    remember = {
      last     = ctx.listed
      last_tag = ctx.tag
    }
    emit "e" {
      user = u.id
      kind = "pick"
      ids  = pluck(ctx.listed, "id")
      tag  = ctx.tag
    }
    next = { pick = 1 }
  }
}

sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
