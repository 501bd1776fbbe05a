"""The web: the office's dashboard, each unit's workspace, the public portal and the API."""
