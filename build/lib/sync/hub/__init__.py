"""The platform server (county or provincial hub): store, ASGI app, serve."""
