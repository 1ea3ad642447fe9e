# A shop: customers who buy at a rate, for amounts in a range.

variable "customers" {
  type        = number
  description = "number of customers"
}

variable "prefix" {
  description = "customer id prefix"
}

variable "amounts" {
  default     = [1.0, 2.0]
  description = "[min, max] of an amount"
}

distribution "amount" {
  value = uniform(var.amounts[0], var.amounts[1])
}

entity "customer" {
  count = var.customers
  attributes {
    id = "${var.prefix}${index + 1}"
  }
}

flow "buy" {
  actor = entity.customer
  session {
    count = 2
    start = uniform("0s", "1h")
    every = uniform("1h", "2h")
  }
  initial = "pay"
  state "pay" {
    emit "sales" {
      shop     = var.prefix
      customer = customer.id
      amount   = round(distribution.amount, 2)
      at       = event.time
    }
  }
}

constraint "spacing" {
  flows   = [flow.buy]
  min_gap = "10m"
}
