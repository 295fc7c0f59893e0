"""Import limits: now in `transparency.settings` (this name goes once every caller uses it)."""

from transparency.settings import (  # noqa: F401
    LimitError,
    max_days_ahead,
    max_import_rows,
    max_json_depth,
    max_line_usd,
    max_upload_bytes,
    max_upload_mb,
    max_xlsx_ratio,
    max_xlsx_unpacked_bytes,
    min_award_date,
)
from transparency.settings import import_limits as current  # noqa: F401
