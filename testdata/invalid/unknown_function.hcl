scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "user" {
  count = 10
  attributes {
    plan = weightd({ free = 3, pro = 1 }) # ERROR: Unknown function
  }
}
