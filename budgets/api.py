"""REST API endpoints of the budgets app."""


def register(router, urlpatterns):
    """Add this app's viewsets to the /api/v1/ router and its extra paths to urlpatterns."""
