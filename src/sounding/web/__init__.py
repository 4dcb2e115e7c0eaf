"""The web interfaces (layer L5): the workspace server and, later, the dashboard."""
