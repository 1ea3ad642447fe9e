# The base of TestDiffOrder: every order a scenario declares, each edited
# in turn (see diff_test.go). Changing this file changes nothing else.
scenario "o" {
  seed  = 3
  start = "2025-01-01"
  end   = "2025-01-03"
}
variable "n1" { default = 4 }
variable "n2" { default = 3 }
dataset "d1" { path = "d1.csv" }
dataset "d2" { path = "d2.csv" }
distribution "h1" {
  hourly = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
}
distribution "h2" {
  hourly = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
}
entity "a" {
  count = var.n1
  attributes {
    x = uniform(1, 1000)
    z = uniform(1, 1000)
    k = 5
    j = "c"
    y = a.x + 1
  }
}
entity "b" {
  count = var.n2
  attributes {
    w = uniform(1, 1000)
  }
}
entity "c1" {
  parent = entity.a
  count  = 2
  attributes { cx = uniform(1, 100) }
}
entity "c2" {
  parent = entity.a
  count  = 2
  attributes { cy = uniform(1, 100) }
}
entity "k1" {
  count = 2
  attributes { v = index }
}
entity "k2" {
  count = 2
  attributes { v = index * 2 }
}
experiment "e1" {
  unit   = a.x
  groups = { g1 = 0.5, g2 = 0.5 }
  param "pp" {
    g1 = 1
    g2 = 2
  }
}
experiment "e2" {
  unit   = a.z
  groups = { h1 = 0.3, h2 = 0.7 }
}
flow "f" {
  actor = entity.a
  session {
    count      = 2
    max_events = 6
  }
  initial = "s"
  state "s" {
    set = {
      m1 = uniform(1, 100)
      m2 = uniform(1, 100)
    }
    remember = {
      r1 = uniform(1, 10)
      r2 = uniform(1, 10)
    }
    emit "ev" {
      p  = uniform(1, 1000)
      q  = uniform(1, 1000)
      x  = a.x
      kk = a.k
      jj = a.j
      g  = experiment.e1.group
    }
    emit "ev2" {
      r  = uniform(1, 1000)
      c1 = "x"
      c2 = 1
    }
    emit "ev3" {
      r = uniform(1, 1000)
    }
    next = { t = 0.5, u = 0.3, end = 0.2 }
  }
  state "t" {
    emit "ev" {
      p = uniform(1, 1000)
      m = ctx.m1
      n = ctx.m2
      r = memory.r1
      o = memory.r2
    }
    transition "s" { probability = 0.3 }
    transition "u" { probability = 0.4 }
    transition "end" { otherwise = true }
  }
  state "u" {
    emit "ev" { p = 1 }
    transition "s" { weight = 1 }
    transition "t" { weight = 1 }
  }
}
flow "fc1" {
  actor = entity.c1
  session {
    count      = 1
    max_events = 1
  }
  initial = "s"
  state "s" {
    emit "ev4" { cx = c1.cx }
  }
}
flow "fc2" {
  actor = entity.c2
  session {
    count      = 1
    max_events = 1
  }
  initial = "s"
  state "s" {
    emit "ev4" { cy = c2.cy }
  }
}
flow "g" {
  actor = entity.b
  session {
    count      = 1
    max_events = 1
  }
  initial = "s"
  state "s" {
    emit "ev" { w = b.w }
  }
}
flow "h" {
  actor = entity.a
  session {
    count      = 1
    max_events = 2
  }
  initial = "s"
  state "s" {
    emit "ev2" {
      r  = uniform(1, 9)
      c1 = "y"
      c2 = 2
    }
  }
}
constraint "k1" {
  flows   = [flow.f, flow.h]
  min_gap = "2h"
}
constraint "k2" {
  flows       = [flow.h]
  max_per_day = 1
}
sink "o1" {
  type   = "jsonl"
  stream = "ev"
  path   = "ev.jsonl"
}
sink "o2" {
  type   = "csv"
  stream = "ev"
  path   = "ev.csv"
}
sink "o3" {
  type   = "csv"
  stream = "ev2"
  path   = "ev2.csv"
}
sink "o4" {
  type   = "jsonl"
  stream = "ev3"
  path   = "ev3.jsonl"
}
sink "o5" {
  type   = "jsonl"
  stream = "ev4"
  path   = "ev4.jsonl"
}
