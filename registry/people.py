"""How a person's name is printed and shown."""

import re

_CJK = re.compile(r"[\u3400-\u9fff]")


def display_name(user) -> str:
    """A Chinese name reads family name first without a space (韦德荣); Django's get_full_name()
    gives "德荣 韦". Other names as Django gives them; the username when no name is recorded."""
    if user is None:
        return ""
    first, last = (user.first_name or "").strip(), (user.last_name or "").strip()
    if _CJK.search(first + last):
        return last + first
    return user.get_full_name() or user.get_username()
