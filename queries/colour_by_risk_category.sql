-- returns: the display colour and order of each risk category
-- grain: one row per risk category
-- params: none
select category as risk_category, sort_order, colour
from risk_categories
order by sort_order
