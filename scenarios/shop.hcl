# A global online shop: customers in ten countries browse, search, fill
# carts, check out and pay, each on their own local clock. The scenario the
# language's newer pieces were built for, in one place:
#
# - reference data with a time-zone column (data/countries.csv), and per-
#   customer sessions in that zone (session { zone = customer.tz }): Tokyo
#   shops at Tokyo's evening, São Paulo at São Paulo's;
# - an entity used as a table (a 500-product catalogue drawn by popularity);
# - a cart built across states, its total computed with a for-expression;
# - an A/B experiment on checkout (one-click checkout) with its own
#   completion rate;
# - Black Friday / Cyber Monday / holiday seasonality as a dates profile;
# - payment failures and retries, abandoned carts and checkouts;
# - a second flow reading what the first remembered (refunds of the last
#   order);
# - four sinks: JSON lines events, orders as Parquet partitioned by country
#   and month, order lines as CSV, refunds as JSON lines.
#
#   scen run scenarios/shop.hcl                       # ~1 M events, Oct-Dec 2025
#   scen run scenarios/shop.hcl --var customers=200000
#
# docs/shop.md is the guide.

scenario "shop" {
  seed     = 20251128
  timezone = "UTC"
  start    = "2025-10-01T00:00:00"
  end      = "2026-01-01T00:00:00"
}

variable "customers" {
  default     = 13000
  description = "customers; 13 000 give about 1 M events over October-December"
}

module "web" {
  source = "stdlib/profiles/web"
}

dataset "countries" {
  path = "data/countries.csv" # country, region, tz, currency, decimals, fx (per USD), share, vat
}

# Sale days multiply the daily rate (in each customer's local calendar).
distribution "sales" {
  dates = {
    "2025-11-28"             = 3.2 # Black Friday
    "2025-11-29..2025-11-30" = 1.6
    "2025-12-01"             = 2.4 # Cyber Monday
    "2025-12-08..2025-12-21" = 1.35
    "2025-12-24"             = 0.7
    "2025-12-25"             = 0.45
  }
}

entity "product" {
  count = 500
  attributes {
    sku      = format("SKU-%05d", index + 1)
    category = weighted({ apparel = 22, home = 16, books = 14, grocery = 14, electronics = 12, beauty = 12, toys = 10 })
    price_usd = round(switch(product.category, {
      electronics = lognormal(4.6, 0.8) # median ~$100
      apparel     = lognormal(3.4, 0.5)
      home        = lognormal(3.5, 0.7)
      beauty      = lognormal(2.9, 0.5)
      books       = lognormal(2.6, 0.35)
      toys        = lognormal(3.0, 0.6)
      grocery     = lognormal(1.9, 0.5)
    }), 2)
    popularity = pareto(1.0, 1.2) # a few best-sellers, a long tail
  }
}

entity "customer" {
  count = var.customers
  attributes {
    customer_id = format("C%07d", index + 1)
    home        = sample_weighted(dataset.countries, "share")
    country     = customer.home.country
    tz          = customer.home.tz
    email       = email()
    device      = weighted({ mobile = 0.62, desktop = 0.32, tablet = 0.06 })
    segment     = weighted({ bargain_hunter = 0.3, regular = 0.5, big_spender = 0.2 })
    visits_per_day = switch(customer.segment, {
      bargain_hunter = uniform(0.15, 0.4)
      regular        = uniform(0.05, 0.2)
      big_spender    = uniform(0.1, 0.3)
    })
    active_share = uniform(0.3, 0.7) # share of days a customer shops at all
  }
}

experiment "one_click_checkout" {
  unit   = customer.customer_id
  groups = { control = 0.5, treatment = 0.5 }
  param "completion" { # probability that a started checkout goes on to payment
    control   = 0.62
    treatment = 0.70
  }
}

flow "shop" {
  actor = entity.customer

  session {
    arrivals   = arrivals(customer.visits_per_day, [distribution.web.hour_of_day, distribution.web.weekday, distribution.sales], customer.active_share)
    zone       = customer.tz
    max_events = 40
  }

  gap     = uniform("8s", "3m")
  initial = "landing"

  common "events" {
    event_id    = uuid()
    event_type  = state.name
    customer_id = customer.customer_id
    session_id  = session.id
    ts          = event.time
    local_time  = format_time(event.time, "2006-01-02T15:04:05", customer.tz)
    tz          = customer.tz
    country     = customer.country
    device      = customer.device
    ab_group    = experiment.one_click_checkout.group
  }

  state "landing" {
    emit "events" {
      referrer = weighted({ direct = 5, google = 6, instagram = 2, newsletter = 1.5, affiliate = 1 })
    }
    next = { view_product = 0.65, search = 0.25, end = 0.1 }
  }

  state "search" {
    set = { query = choice(["shoes", "headphones", "lamp", "novel", "lipstick", "lego", "coffee", "jacket", "charger", "mug"]) }
    emit "events" {
      query = ctx.query
    }
    next = { view_product = 0.85, end = 0.15 }
  }

  state "view_product" {
    set = { product = sample_weighted(entity.product, "popularity") }
    emit "events" {
      sku      = ctx.product.sku
      category = ctx.product.category
      price    = round(ctx.product.price_usd * customer.home.fx, customer.home.decimals)
      currency = customer.home.currency
    }
    next = { view_product = 0.45, add_to_cart = 0.22, end = 0.33 }
  }

  state "add_to_cart" {
    set = {
      line = {
        sku        = ctx.product.sku
        category   = ctx.product.category
        unit_price = round(ctx.product.price_usd * customer.home.fx, customer.home.decimals)
        qty        = int(weighted({ "1" = 0.8, "2" = 0.15, "3" = 0.05 }))
      }
      cart = append(ctx.cart, ctx.line, 20)
    }
    emit "events" {
      sku        = ctx.line.sku
      qty        = ctx.line.qty
      cart_items = len(ctx.cart)
    }
    next = { view_product = 0.5, checkout = 0.3, end = 0.2 } # end: an abandoned cart
  }

  state "checkout" {
    set = { attempts = 0 }
    emit "events" {
      cart_items = len(ctx.cart)
    }
    transition "payment" { probability = experiment.one_click_checkout.completion }
    transition "end" { otherwise = true } # an abandoned checkout
  }

  state "payment" {
    set   = { attempts = ctx.attempts + 1 }
    delay = uniform("2s", "20s")
    emit "events" {
      attempt = ctx.attempts
      method  = weighted({ card = 0.7, paypal = 0.18, wallet = 0.12 })
    }
    next = { purchase = 0.93, payment_failed = 0.07 }
  }

  state "payment_failed" {
    delay = uniform("10s", "3m")
    emit "events" {
      attempt = ctx.attempts
      reason  = weighted({ insufficient_funds = 4, card_declined = 3, "3ds_timeout" = 2, network_error = 1 })
    }
    transition "payment" { when = ctx.attempts < 3 && bernoulli(0.6) } # retry, at most three attempts
    transition "end" { otherwise = true }
  }

  state "purchase" {
    set = {
      order_id = uuid()
      subtotal = round(sum([for l in ctx.cart : l.unit_price * l.qty]), customer.home.decimals)
      tax      = round(ctx.subtotal * customer.home.vat, customer.home.decimals)
      total    = round(ctx.subtotal + ctx.tax, customer.home.decimals)
    }
    remember = {
      last_order = { order_id = ctx.order_id, total = ctx.total, time = event.time, items = len(ctx.cart) }
    }
    emit "events" {
      order_id = ctx.order_id
      total    = ctx.total
      currency = customer.home.currency
    }
    emit "orders" {
      order_id    = ctx.order_id
      customer_id = customer.customer_id
      ordered_at  = event.time
      country     = customer.country
      region      = customer.home.region
      currency    = customer.home.currency
      items       = len(ctx.cart)
      units       = sum([for l in ctx.cart : l.qty])
      subtotal    = ctx.subtotal
      tax         = ctx.tax
      total       = ctx.total
      total_usd   = round(ctx.total / customer.home.fx, 2)
      attempts    = ctx.attempts
      ab_group    = experiment.one_click_checkout.group
    }
    emit "order_lines" {
      for_each   = ctx.cart
      order_id   = ctx.order_id
      line       = each.index + 1
      sku        = each.value.sku
      category   = each.value.category
      qty        = each.value.qty
      unit_price = each.value.unit_price
      amount     = round(each.value.unit_price * each.value.qty, customer.home.decimals)
    }
    next = { end = 1 }
  }
}

# Refunds: two days to four weeks after an order, some customers return
# it (about one order in eight: a return thought over at 0.005 a day for
# 28 days). The flow reads the order the shop flow remembered.
flow "returns" {
  actor = entity.customer

  session {
    arrivals = arrivals(0.005, [distribution.web.hour_of_day])
    zone     = customer.tz
  }

  initial = "consider"

  state "consider" {
    transition "refund" {
      when = memory.last_order != null && memory.last_order.order_id != memory.refunded && event.time - memory.last_order.time > days(2) && event.time - memory.last_order.time < days(30)
    }
    transition "end" { otherwise = true }
  }

  state "refund" {
    set = {
      full   = bernoulli(0.7)
      amount = ctx.full ? memory.last_order.total : round(memory.last_order.total * uniform(0.2, 0.8), customer.home.decimals)
    }
    remember = { refunded = memory.last_order.order_id }
    emit "refunds" {
      refund_id   = uuid()
      order_id    = memory.last_order.order_id
      customer_id = customer.customer_id
      refunded_at = event.time
      days_after  = round((unix(event.time) - unix(memory.last_order.time)) / 86400, 1)
      amount      = ctx.amount
      currency    = customer.home.currency
      kind        = ctx.full ? "full" : "partial"
      reason      = weighted({ wrong_size = 4, damaged = 2, not_as_described = 2, changed_mind = 3 })
    }
    next = { end = 1 }
  }
}

sink "events" {
  type   = "jsonl"
  stream = "events"
  path   = "shop/events.jsonl"
}

sink "orders" {
  type   = "parquet"
  stream = "orders"
  path   = "shop/orders/country={{field:country}}/month={{year}}-{{month}}/orders.parquet"
}

sink "order_lines" {
  type   = "csv"
  stream = "order_lines"
  path   = "shop/order_lines.csv"
}

sink "refunds" {
  type   = "jsonl"
  stream = "refunds"
  path   = "shop/refunds.jsonl"
}
