scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "user" {
  count = 10
}
flow "f" {
  actor   = entity.user
  initial = "a"
  state "a" {
    set = { page = "main" }
    emit "events" {
      page = ctx.pgae # ERROR: Unknown context value
    }
  }
}
