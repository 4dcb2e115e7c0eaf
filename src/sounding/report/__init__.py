"""Reports and the dashboard's data (layer L4): one data dict per view, rendered elsewhere."""

from sounding.report.views import VIEWS, View, safe_url, view

__all__ = ["VIEWS", "View", "safe_url", "view"]
