"""Rows that are written once (docs/architecture.md decision 5: archived means immutable).

Python refuses updates and deletes (model and queryset, so the admin and bulk paths too); on
PostgreSQL a pgtrigger declared on each model refuses them in the database as well, so a raw
SQL statement cannot rewrite the archive either.
"""

import pgtrigger
from django.db import models

from registry.models.scoped import ScopedQuerySet


class ImmutableRecordError(Exception):
    """Raised on any attempt to change or delete an archived record."""

    def __init__(self, model_label: str):
        super().__init__(f"{model_label} 一经写入不得修改或删除（归档记录不可变更）。")


class ImmutableQuerySet(ScopedQuerySet):
    def update(self, **kwargs):
        raise ImmutableRecordError(self.model._meta.verbose_name)

    def delete(self):
        raise ImmutableRecordError(self.model._meta.verbose_name)

    def bulk_update(self, objs, fields, batch_size=None):
        raise ImmutableRecordError(self.model._meta.verbose_name)

    def update_or_create(self, *args, **kwargs):
        raise ImmutableRecordError(self.model._meta.verbose_name)


class ImmutableModel(models.Model):
    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRecordError(self._meta.verbose_name)
        kwargs["force_insert"] = True
        kwargs.pop("update_fields", None)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecordError(self._meta.verbose_name)


def write_once_triggers() -> list:
    """The database's half of immutability: no UPDATE, no DELETE (TRUNCATE is left to the test
    runner's flush; it is not a path any code of ours takes)."""
    return [pgtrigger.Protect(name="write_once", operation=pgtrigger.Update | pgtrigger.Delete)]
