-- returns: which of the named tables or views exist in the main schema of the connection's current database
-- grain: one row per named table or view that exists
-- params: $names (text[])
select table_name
from information_schema.tables
where table_schema = 'main'
    and table_catalog = current_database()
    and list_contains($names, table_name)
order by table_name
