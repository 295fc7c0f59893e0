-- returns: each risk category with its order, label, high-risk flag and display colour (the table of transparency/risk/categories.py with the model's colours)
-- grain: one row per risk category
-- params: none
select category as risk_category, sort_order, label, is_high, colour
from risk_categories
order by sort_order
