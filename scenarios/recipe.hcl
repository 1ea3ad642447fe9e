# Recipe service behaviour logs, after seed 002 (a Korean recipe service:
# Dask + Kafka generator). Users with activity, demographic and cooking-persona
# segments browse, search, click, bookmark, like and comment on recipes from a
# 10 k recipe catalogue, see ads, and take part in the
# BEHAVIORAL_TARGETING_MVP_V1 A/B test (2025-08-08..08-22).
#
#   scen run scenarios/recipe.hcl                 # June-August 2025 backfill, ≈1 M events
#   scen plan scenarios/recipe.hcl                # the flow as a transition table
#
# Guide: docs/recipe.md.

scenario "recipe" {
  seed     = 20250601
  timezone = "Asia/Seoul"
  start    = "2025-06-01T00:00:00"
  end      = var.end
}

variable "end" {
  default     = "2025-09-01T00:00:00"
  description = "end of the simulated window; --var end=2025-10-01T00:00:00 --from 2025-09-01T00:00 replays September"
}

variable "users" {
  default     = 1240
  description = "active users; 1 240 give about 1 M events over June-August"
}

# Seed 002's hour-of-day weights (night 2-8 %, peaks at 12:00 and 19:00) and
# weekday weights (the weekend bonus folded into Saturday and Sunday), from
# the standard library: distribution.web.hour_of_day, distribution.web.weekday.
module "web" {
  source = "stdlib/profiles/web"
}

# Seed 002's six gender × age segments with their shares:
# distribution.segments.demographic (docs/modules.md).
module "segments" {
  source = "stdlib/population/segments"
}

dataset "recipes" {
  path = "data/recipes.csv" # produced by scenarios/recipes_catalog.hcl
}

entity "user" {
  count = var.users
  attributes {
    user_id      = "user_${index + 1}"
    anonymous_id = "anon_${hex(12)}"
    activity     = weighted({ POWER_USER = 0.10, ACTIVE_EXPLORER = 0.60, PASSIVE_BROWSER = 0.30 })
    demographic  = distribution.segments.demographic
    persona = weighted({ DESSERT_FOCUSED = 0.20, HEALTHY_CONSCIOUS = 0.25, COMFORT_FOOD = 0.25,
    QUICK_CONVENIENT = 0.20, DIVERSE_EXPLORER = 0.10 })
    # Daily events by activity segment (seed 002: 40-50, 15-20, 5-10).
    events_per_day = switch(user.activity, {
      POWER_USER      = uniform(40.0, 50.0)
      ACTIVE_EXPLORER = uniform(15.0, 20.0)
      PASSIVE_BROWSER = uniform(5.0, 10.0)
    })
    # Seed 002's counts are per active day: a user is active on this share
    # of days (arrivals' active_days below) and idle on the others.
    active_share = uniform(0.35, 0.65)
  }
}

experiment "BEHAVIORAL_TARGETING_MVP_V1" {
  unit   = user.user_id # MD5(user_id): sticky 50/50 split
  during = ["2025-08-08", "2025-08-23"]
  groups = { control = 0.5, treatment = 0.5 }

  param "ad_ctr" {
    control   = 0.018
    treatment = 0.022
    # Seed 002's per-segment targets.
    override {
      when      = user.demographic == "FEMALE_30S" && user.activity == "POWER_USER" && user.persona == "DESSERT_FOCUSED"
      control   = 0.021
      treatment = 0.028
    }
    override {
      when      = user.demographic == "MALE_20S" && user.activity == "ACTIVE_EXPLORER" && user.persona == "QUICK_CONVENIENT"
      control   = 0.015
      treatment = 0.019
    }
    override {
      when      = user.demographic == "FEMALE_40_PLUS" && user.activity == "ACTIVE_EXPLORER" && user.persona == "HEALTHY_CONSCIOUS"
      control   = 0.018
      treatment = 0.023
    }
  }
  param "targeting" {
    default   = "random"
    control   = "random"
    treatment = "behavioral_targeting"
  }
}

flow "browse" {
  actor = entity.user

  session {
    # This flow averages about 4 events per session (docs/recipe.md): on
    # an active day a user has events_per_day / 4 sessions (the rate below
    # divided by active_days), on an idle day none.
    arrivals   = arrivals(user.events_per_day * user.active_share / 4, [distribution.web.hour_of_day, distribution.web.weekday], user.active_share)
    max_events = 60
  }

  gap     = uniform("5s", "2m") # seed 002: 5 s to 2 min between events
  initial = "view_page"

  # Seed 002's event shape; context and event_properties are JSON strings.
  common "events" {
    event_name   = state.name
    event_id     = uuid()
    user_id      = user.user_id
    anonymous_id = user.anonymous_id
    session_id   = "session_${session.id}"
    timestamp    = event.time
    context = json({
      page = {
        name = switch(state.name, {
          view_page     = "main", search_recipe = "search", view_recipe_list = "recipe_list",
          ad_impression = "main", ad_click = "ad", default = "recipe_detail"
        })
        url = "https://reciping.co.kr/${switch(state.name, {
          view_page     = "", search_recipe = "search", view_recipe_list = "recipes",
          ad_impression = "", ad_click = "ads", default = "recipes/detail"
        })}"
      }
      user_segment     = user.demographic
      activity_level   = user.activity
      cooking_style    = user.persona
      ab_test_group    = experiment.BEHAVIORAL_TARGETING_MVP_V1.group
      ab_test_scenario = experiment.BEHAVIORAL_TARGETING_MVP_V1.active ? "BEHAVIORAL_TARGETING_MVP_V1" : null
    })
  }

  state "view_page" {
    emit "events" {
      event_properties = json({
        page_name = "main"
        referrer  = weighted({ "https://google.com" = 4, "https://naver.com" = 5, "direct" = 6, "https://instagram.com" = 2 })
      })
    }
    next = { search_recipe = 0.45, view_recipe_list = 0.35, ad_impression = 0.05, end = 0.15 }
  }

  state "search_recipe" {
    # Search filters follow the persona; the recipe list below is filtered by them.
    set = {
      dish_type = switch(user.persona, {
        DESSERT_FOCUSED   = weighted({ dessert = 6, bread_baking = 3, snack = 1 })
        HEALTHY_CONSCIOUS = weighted({ salad = 5, side_dish = 3, soup_stew = 2 })
        COMFORT_FOOD      = weighted({ main_dish = 5, soup_stew = 3, noodles = 2 })
        QUICK_CONVENIENT  = weighted({ rice_porridge = 3, noodles = 3, snack = 2, side_dish = 2 })
        default           = choice(dataset.recipes.dish_type)
      })
      keyword = choice(dataset.recipes.ingredient_type)
    }
    emit "events" {
      event_properties = json({
        search_type = weighted({ keyword = 6, filter = 4 })
        dish_type   = ctx.dish_type
        keyword     = ctx.keyword
      })
    }
    next = { view_recipe_list = 0.9, end = 0.1 }
  }

  state "view_recipe_list" {
    # Ten recipes, filtered by the search's dish type when there was a search
    # in this session; the order is the rank shown.
    set = {
      listed = sample_rows(dataset.recipes, 10, "dish_type", ctx.dish_type)
    }
    emit "events" {
      event_properties = json({
        list_type            = ctx.dish_type == null ? "recommended" : "search_result"
        dish_type            = ctx.dish_type
        displayed_recipe_ids = pluck(ctx.listed, "recipe_id")
      })
    }
    transition "click_recipe" {
      when   = len(ctx.listed) > 0
      weight = 0.55
    }
    transition "ad_impression" { weight = 0.10 }
    transition "search_recipe" { weight = 0.10 }
    transition "end" { weight = 0.25 }
  }

  state "click_recipe" {
    # Clicks favour the top of the list: click share by rank position.
    set = {
      rank = min(int(weighted({ "1" = 0.28, "2" = 0.16, "3" = 0.11, "4" = 0.09, "5" = 0.08,
        "6" = 0.07, "7" = 0.06, "8" = 0.055, "9" = 0.05, "10" = 0.045 })),
      len(ctx.listed))
      recipe = ctx.listed[ctx.rank - 1]
    }
    emit "events" {
      event_properties = json({
        recipe_id    = ctx.recipe.recipe_id
        rank         = ctx.rank
        dish_type    = ctx.recipe.dish_type
        cooking_time = ctx.recipe.cooking_time
        difficulty   = ctx.recipe.difficulty
      })
    }
    transition "create_comment" {
      when   = user.activity == "POWER_USER"
      weight = 0.10
    }
    transition "create_comment" {
      when   = user.activity != "POWER_USER"
      weight = 0.02
    }
    transition "click_bookmark" { weight = 0.12 }
    transition "click_like" { weight = 0.18 }
    transition "view_recipe_list" { weight = 0.30 }
    transition "ad_impression" { weight = 0.05 }
    transition "end" { weight = 0.25 }
  }

  state "click_bookmark" {
    # Bookmarks outlive the session (the last 50 are remembered).
    remember = {
      bookmarks = append(memory.bookmarks, ctx.recipe.recipe_id, 50)
    }
    emit "events" {
      event_properties = json({
        recipe_id      = ctx.recipe.recipe_id
        bookmark_count = len(memory.bookmarks)
      })
    }
    next = { view_recipe_list = 0.35, click_like = 0.15, end = 0.5 }
  }

  state "click_like" {
    emit "events" {
      event_properties = json({ recipe_id = ctx.recipe.recipe_id })
    }
    next = { view_recipe_list = 0.4, create_comment = 0.1, end = 0.5 }
  }

  state "create_comment" {
    emit "events" {
      event_properties = json({
        recipe_id      = ctx.recipe.recipe_id
        comment_length = uniform(10, 200)
      })
    }
    next = { view_recipe_list = 0.3, end = 0.7 }
  }

  state "ad_impression" {
    set = {
      ad_id = "ad_${format("%03d", uniform(1, 40))}"
    }
    emit "events" {
      event_properties = json({
        ad_id            = ctx.ad_id
        ad_position      = weighted({ banner_top = 5, feed = 4, recipe_bottom = 2 })
        targeting_method = experiment.BEHAVIORAL_TARGETING_MVP_V1.targeting
      })
    }
    # The click-through rate is the experiment's: 1.8 % / 2.2 % (and the
    # per-segment targets) inside the test window, 1.8 % outside it.
    transition "ad_click" { probability = experiment.BEHAVIORAL_TARGETING_MVP_V1.ad_ctr }
    transition "view_recipe_list" { weight = 0.5 }
    transition "end" { weight = 0.5 }
  }

  state "ad_click" {
    emit "events" {
      event_properties = json({
        ad_id            = ctx.ad_id
        targeting_method = experiment.BEHAVIORAL_TARGETING_MVP_V1.targeting
      })
    }
    next = { view_page = 0.3, end = 0.7 }
  }
}

sink "events" {
  type   = "jsonl"
  stream = "events"
  path   = "recipe/events.jsonl"
}
