# Seed 002's demographic segments: gender × age group, with their shares of
# the user base.
#
#   module "segments" { source = "stdlib/population/segments" }
#   demographic = distribution.segments.demographic

distribution "demographic" {
  value = weighted({ FEMALE_20S = 0.142, FEMALE_30S = 0.207, FEMALE_40_PLUS = 0.356,
  MALE_20S = 0.062, MALE_30S = 0.085, MALE_40_PLUS = 0.148 })
}
