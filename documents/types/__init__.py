"""Document types: each one a template plus a function building its context.

The first three live here (申请表, 公示, 审核审批表); the lifecycle apps register the rest with
`register(DocumentSpec(...))` and generate them through documents.services like these.
"""

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

from django.template.loader import get_template

from registry.models import AdminArea, Household, ResettlementSite


@dataclass(frozen=True)
class Subject:
    """What a document is about: one household, a batch of households of one village, or a site."""

    area_code: str
    households: tuple[Household, ...] = ()
    household: Household | None = None
    site: ResettlementSite | None = None
    area: AdminArea | None = None  # the village of a batch notice


@dataclass(frozen=True, eq=False)
class DocumentSpec:
    code: str  # stored in Document.doc_type, e.g. "application_form"
    label: str  # what officials read: 申请表
    number_word: str  # the type's word in the 文号: 示例县搬迁〔2026〕申请第3号
    template: str
    version: str  # bump when the template's wording changes
    build_context: Callable[..., dict]  # (subject, *, public, **options) -> plain data
    title: Callable[[Subject], str]
    # Posted for the public: masked values only, checked by masking.assert_public_context.
    public: bool = False
    # Whether the PDF prints full ID numbers (downloads are then flagged in the audit log).
    # Unset: every non-public type is assumed to; internal forms that mask say False.
    full_id_numbers: bool | None = None
    options: tuple[str, ...] = field(default=())

    @property
    def contains_unmasked_ids(self) -> bool:
        return (not self.public) if self.full_id_numbers is None else self.full_id_numbers

    @cached_property
    def template_version(self) -> str:
        """The declared version plus a fingerprint of the template source actually used."""
        template = get_template(self.template)
        source = getattr(getattr(template, "template", None), "source", "")
        return f"{self.version}+{hashlib.sha256(source.encode()).hexdigest()[:10]}"


_SPECS: dict[str, DocumentSpec] = {}


def register(spec: DocumentSpec) -> DocumentSpec:
    if spec.code in _SPECS and _SPECS[spec.code] is not spec:
        raise ValueError(f"document type {spec.code!r} registered twice")
    _SPECS[spec.code] = spec
    return spec


def get_spec(code: str) -> DocumentSpec:
    try:
        return _SPECS[code]
    except KeyError:
        raise LookupError(f"unknown document type {code!r}") from None


def label_of(code: str) -> str:
    spec = _SPECS.get(code)
    return spec.label if spec else code


def all_specs() -> list[DocumentSpec]:
    return list(_SPECS.values())


from . import application, approval, notice  # noqa: E402,F401  (register the first three)

APPLICATION_FORM = application.SPEC.code
PUBLIC_NOTICE = notice.SPEC.code
APPROVAL_FORM = approval.SPEC.code
