"""The officials' pages, split by what the user is doing: the inbox, a case, batches, printing."""


def refusal_status(exc) -> int:
    """The HTTP status of a service refusal: 400, 403, 404 or 409 (someone acted first)."""
    return getattr(exc, "status", 400)
