"""Reading ids from hand-editable query strings (``?with=…``, ``?ecosystem=…``)."""

#: Larger numbers do not fit a database id (and ``int()`` of a huge string is slow).
_MAX_DIGITS = 18


def id_param(value) -> int | None:
    """The id in ``value``, or None when it is missing or not an id: a lookup with
    ``pk="false"`` raises ValueError deep in the ORM (a 500), so callers get a number
    or nothing and answer 400/404 themselves."""
    if isinstance(value, str) and value.isdigit() and len(value) <= _MAX_DIGITS:
        return int(value)
    return None
