"""The view behind every lifecycle task: it hands over to the household's action page, where
the form posts to `workflows.households.service` (the approvals app provides that page)."""

from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.views import View


class StepTaskView(View):
    def get(self, request, *args, **kwargs):
        household = request.activation.process.coerced.household
        try:
            return HttpResponseRedirect(reverse("household_detail", args=[household.pk]))
        except NoReverseMatch:
            return HttpResponseRedirect("/")

    post = get
