# Seed 001's three hand-made daily profiles for card transactions: hourly
# weights from 00:00 (arrivals scale each profile to mean 1).
#
#   module "daily" { source = "stdlib/profiles/transactions" }
#   arrivals(per_day, [distribution.daily.round_the_clock, distribution.weekday])

# Round-the-clock offline categories: very low at night, a small morning
# rise, a lunch bump, the evening peak 17:00-20:00 and a decline to 22:00.
distribution "round_the_clock" {
  hourly = [0.10, 0.06, 0.04, 0.03, 0.03, 0.05, 0.15, 0.35, 0.50, 0.45, 0.45, 0.55,
  0.75, 0.70, 0.55, 0.55, 0.65, 0.90, 1.00, 1.00, 0.95, 0.70, 0.40, 0.20]
}

# Daytime offline categories: shops open from about 08:00 to 22:00.
distribution "daytime" {
  hourly = [0, 0, 0, 0, 0, 0, 0, 0.10, 0.25, 0.55, 0.75, 0.85,
  0.95, 0.90, 0.85, 0.85, 0.90, 0.95, 1.00, 0.90, 0.60, 0.25, 0, 0]
}

# Online purchases: flatter, peaking late in the evening.
distribution "online" {
  hourly = [0.30, 0.20, 0.12, 0.08, 0.06, 0.06, 0.10, 0.20, 0.35, 0.45, 0.55, 0.60,
  0.65, 0.60, 0.60, 0.60, 0.65, 0.75, 0.85, 0.95, 1.00, 0.95, 0.75, 0.50]
}
