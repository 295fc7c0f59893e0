-- returns: per unit, UNSPSC segment and supplier, the supplier's share of the cell's spend, the cell's Herfindahl-Hirschman index, and whether the supplier is flagged as concentrated (flag concentration)
-- grain: one row per buyer, segment_code and supplier
-- params: $min_share (double), $min_hhi (double), $min_cell_usd (decimal)
with cells as (
    select
        buyer,
        segment_code,
        coalesce(supplier_id, supplier_name) as supplier_key,
        sum(amount_usd) as spend_usd
    from contract_lines
    where buyer is not null and segment_code is not null and amount_usd > 0
    group by all
),

shares as (
    select
        *,
        sum(spend_usd) over (partition by buyer, segment_code) as cell_usd,
        (spend_usd / sum(spend_usd) over (partition by buyer, segment_code))::double as share
    from cells
),

hhi as (
    select *, (sum(share * share) over (partition by buyer, segment_code) * 10000)::double as hhi
    from shares
)

select
    buyer,
    segment_code,
    supplier_key,
    spend_usd::decimal(38, 2) as spend_usd,
    cell_usd::decimal(38, 2) as cell_usd,
    round(share, 4) as share,
    round(hhi, 1) as hhi,
    cell_usd >= $min_cell_usd and share >= $min_share and hhi >= $min_hhi as flagged
from hhi
order by buyer, segment_code, spend_usd desc, supplier_key
