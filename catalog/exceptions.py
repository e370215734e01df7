"""Exceptions that cross from other apps into the catalog's enrolment flow."""


class ApprovalRefused(Exception):
    """Raised by an `enrolment_approving` receiver to stop an approval, with a message for people.

    `route_to_ld` asks the catalog to hand the request to L&D staff as an exception instead of
    refusing it outright (the budget policy decides which)."""

    def __init__(self, message: str, *, code: str = "refused", route_to_ld: bool = False, missing=None, available=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.route_to_ld = route_to_ld
        # For a refusal for budget: the amount missing and what is available (the employee is told).
        self.missing = missing
        self.available = available
