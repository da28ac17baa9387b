"""The queryset every list of cases starts from."""

from django.db import models


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user, perm: str | None = None, *, hosted: bool = False):
        """Rows whose area the user's grants cover for `perm` (default: the model's view perm); with
        `hosted=True` (the pages of 分房, 入住, 后扶) also those of households the user hosts across
        counties, when the model names its household (`SCOPE_HOUSEHOLD`, registry.scope.hosted_q)."""
        from registry.scope import area_q  # scope imports the models; resolve at call time

        perm = perm or f"{self.model._meta.app_label}.view_{self.model._meta.model_name}"
        path = getattr(self.model, "SCOPE_HOUSEHOLD", None) if hosted else None
        return self.filter(area_q(user, perm, household=path))
