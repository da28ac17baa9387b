import pytest
from django.template import Context, Template

from documents.masking import UnmaskedDataError, assert_public_context


def test_filters_mask_ids_and_phones():
    out = Template("{% load masking %}{{ i|mask_id }} {{ p|mask_phone }}").render(
        Context({"i": "520121197003150014", "p": "13812345678"}))
    assert out == "5201**********0014 138****5678"


def test_a_public_context_refuses_full_numbers_and_model_instances(family_a):
    assert_public_context({"rows": [{"id": "5201**********0014", "n": 3}]})
    with pytest.raises(UnmaskedDataError):
        assert_public_context({"rows": [{"id": "520121197003150014"}]})
    with pytest.raises(UnmaskedDataError):
        assert_public_context({"phone": "联系电话13812345678"})
    with pytest.raises(UnmaskedDataError):
        assert_public_context({"household": family_a})
