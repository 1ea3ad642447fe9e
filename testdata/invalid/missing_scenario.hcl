entity "user" { # ERROR: Missing scenario block
  count = 10
}
