# Seed 002's web-traffic profiles (a Korean recipe service).
#
#   module "web" { source = "stdlib/profiles/web" }
#   arrivals(per_day, [distribution.web.hour_of_day, distribution.web.weekday])

# Hour-of-day weights from 00:00: night 2-8 %, peaks at 12:00 and 19:00.
distribution "hour_of_day" {
  hourly = [0.05, 0.03, 0.02, 0.02, 0.03, 0.08, 0.25, 0.45, 0.60, 0.75, 0.85, 0.90,
  1.00, 0.95, 0.85, 0.80, 0.85, 0.90, 0.95, 1.00, 0.95, 0.85, 0.70, 0.35]
}

# Weekday weights, with the seed's weekend bonus (10-20 % more events,
# 15 % here) folded into Saturday (1.3 × 1.15) and Sunday (1.2 × 1.15).
distribution "weekday" {
  weekly = { mon = 0.8, tue = 0.9, wed = 0.95, thu = 1.0, fri = 1.1, sat = 1.495, sun = 1.38 }
}
