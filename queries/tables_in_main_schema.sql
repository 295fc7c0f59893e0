-- returns: the name of every table and view in the main schema of the connection's current database
-- grain: one row per table or view
-- params: none
select table_name
from information_schema.tables
where table_schema = 'main' and table_catalog = current_database()
