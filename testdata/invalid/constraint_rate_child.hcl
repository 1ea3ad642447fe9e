scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-03"
}
entity "owner" {
  count = 5
  attributes {
    id = "o${index}"
  }
}
entity "card" {
  parent = entity.owner
  count  = 2
  attributes {
    id = "${owner.id}-c${index}"
  }
}
flow "tx" {
  actor = entity.card
  session {
    arrivals   = arrivals(1000)
    max_events = 1
  }
  initial = "s"
  state "s" {
    emit "ev" { card = card.id }
  }
}
constraint "spacing" {
  flows   = [flow.tx]
  min_gap = "1h" # ERROR: Impossible constraint
}
