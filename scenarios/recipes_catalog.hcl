# The recipe catalogue that scenarios/recipe.hcl reads as reference data
# (seed 002 reads ~10 k recipes with dish, ingredient and method types,
# ingredients, cooking time and difficulty from Parquet).
#
# Regenerate the shipped table with:
#   scen run scenarios/recipes_catalog.hcl --out scenarios/data
# A test checks that scenarios/data/recipes.csv is exactly this output.

scenario "recipes_catalog" {
  seed  = 2
  start = "2025-01-01T00:00:00"
  end   = "2025-01-02T00:00:00"
}

variable "recipes" {
  default = 10000
}

entity "recipe" {
  count = var.recipes
  attributes {
    dish_type = weighted({
      side_dish = 18, main_dish = 16, soup_stew = 12, noodles = 7, rice_porridge = 8,
      dessert   = 10, bread_baking = 7, salad = 7, snack = 8, kimchi_sauce = 7
    })
    ingredient_type = switch(recipe.dish_type, {
      dessert      = weighted({ flour_grains = 4, eggs_dairy = 3, fruit = 3 })
      bread_baking = weighted({ flour_grains = 6, eggs_dairy = 3, fruit = 1 })
      salad        = weighted({ vegetables = 6, fruit = 2, seafood = 1, chicken = 1 })
      kimchi_sauce = weighted({ vegetables = 8, seafood = 2 })
      default = weighted({ beef = 2, pork = 3, chicken = 2, seafood = 2, vegetables = 3, tofu_beans = 1.5,
      eggs_dairy = 1, processed = 1 })
    })
    method_type = switch(recipe.dish_type, {
      dessert      = weighted({ bake = 5, mix_raw = 3, steam = 1, fry = 1 })
      bread_baking = weighted({ bake = 9, fry = 1 })
      salad        = weighted({ mix_raw = 9, grill = 1 })
      soup_stew    = weighted({ boil = 8, braise = 2 })
      kimchi_sauce = weighted({ pickle = 6, mix_raw = 3, boil = 1 })
      noodles      = weighted({ boil = 6, stir_fry = 4 })
      default      = weighted({ stir_fry = 4, braise = 2, grill = 2, fry = 2, steam = 1, boil = 1 })
    })
    # Minutes, by method: slow methods take longer.
    cooking_time = switch(recipe.method_type, {
      mix_raw  = uniform(5, 15)
      stir_fry = uniform(10, 25)
      fry      = uniform(15, 35)
      grill    = uniform(15, 40)
      steam    = uniform(20, 45)
      boil     = uniform(15, 60)
      bake     = uniform(30, 90)
      braise   = uniform(40, 120)
      pickle   = uniform(30, 180)
    })
    difficulty = recipe.cooking_time < 20 ? weighted({ easy = 7, normal = 3 }) : (
    recipe.cooking_time < 60 ? weighted({ easy = 3, normal = 5, hard = 2 }) : weighted({ easy = 1, normal = 4, hard = 5 }))
    main_ingredient = switch(recipe.ingredient_type, {
      beef         = choice(["beef brisket", "ground beef", "beef short ribs", "sirloin"])
      pork         = choice(["pork belly", "pork shoulder", "ground pork", "pork loin"])
      chicken      = choice(["chicken thigh", "chicken breast", "whole chicken", "chicken wings"])
      seafood      = choice(["squid", "shrimp", "mackerel", "clams", "anchovies"])
      vegetables   = choice(["napa cabbage", "zucchini", "spinach", "radish", "eggplant", "potato"])
      tofu_beans   = choice(["firm tofu", "soft tofu", "soybean sprouts", "black beans"])
      eggs_dairy   = choice(["eggs", "milk", "cream cheese", "butter"])
      flour_grains = choice(["flour", "rice flour", "oats", "glutinous rice"])
      fruit        = choice(["strawberry", "apple", "banana", "blueberry", "lemon"])
      processed    = choice(["spam", "sausage", "fish cake", "canned tuna"])
    })
    ingredients = "${recipe.main_ingredient}, ${choice(["garlic", "onion", "green onion", "ginger"])}, ${choice(["soy sauce", "gochujang", "sesame oil", "sugar", "salt", "doenjang"])}"
    title       = "${choice(["Easy", "Classic", "Spicy", "Mom's", "Quick", "Healthy", "Crispy", "Hearty"])} ${recipe.main_ingredient} ${recipe.dish_type}"
    # Heavy-tailed popularity: a few recipes get most views.
    popularity = round(lognormal(3, 1.2), 1)
  }
}

flow "publish" {
  actor = entity.recipe
  session {
    count = 1
  }
  initial = "row"
  state "row" {
    emit "recipes" {
      recipe_id       = "R${format("%05d", index + 1)}"
      title           = recipe.title
      dish_type       = recipe.dish_type
      ingredient_type = recipe.ingredient_type
      method_type     = recipe.method_type
      ingredients     = recipe.ingredients
      cooking_time    = recipe.cooking_time
      difficulty      = recipe.difficulty
      popularity      = recipe.popularity
    }
  }
}

sink "recipes" {
  type   = "csv"
  stream = "recipes"
  path   = "recipes.csv"
}
