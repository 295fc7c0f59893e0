-- returns: the risk categories of the model, in order, with their chart colour
-- grain: one row per risk category
-- params: none
select category, sort_order, colour
from risk_categories
order by sort_order
