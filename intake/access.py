"""The import's one chokepoint: a batch is seen by the officials who may enter households in its
area (registry/scope.py), others get 404."""

from django.http import Http404

from registry.scope import area_q

from .checking import ADD
from .models import ImportBatch


def visible_batches(user):
    return ImportBatch.objects.filter(area_q(user, ADD, field="area_code"))


def get_batch_for(user, pk) -> ImportBatch:
    batch = visible_batches(user).select_related("area", "created_by", "confirmed_by").filter(pk=pk).first()
    if batch is None:
        raise Http404("没有该导入批次，或不在您的管辖范围内。")
    return batch
