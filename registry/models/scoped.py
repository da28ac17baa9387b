"""The queryset every list of cases starts from."""

from django.db import models


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user, perm: str | None = None):
        """Rows whose area the user's grants cover for `perm` (default: the model's view perm)."""
        from registry.scope import area_q  # scope imports the models; resolve at call time

        perm = perm or f"{self.model._meta.app_label}.view_{self.model._meta.model_name}"
        return self.filter(area_q(user, perm))
