from accounts.duties import duty_of


def administrator_duty(request):
    """`administrator_duty` for the navigation: the three administrators see no business menu."""
    user = getattr(request, "user", None)
    return {"administrator_duty": duty_of(user) if user is not None else None}
