distribution "amount" {
  value = lognormall(3.2, 0.8) # ERROR: Unknown function
}
