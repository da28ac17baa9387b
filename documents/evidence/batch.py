"""Several files in one upload, for every page that takes evidence (the case page's 上传佐证材料,
the generic evidence page of a household or a site).

Which kinds a case or site can use at its stage is a rule of the lifecycles, which sit above
documents (docs/DESIGN.md floors): each lifecycle registers its stage table here at start-up
(workflows/apps.py) and the pages ask `kind_choices`.

Each file is filed through `ingest_evidence` (type sniffed from the content, active content
refused, EXIF read) in its own transaction: a refused file is named with its reason and stores
nothing, the others are kept — the official re-selects only the refused ones.
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction

from documents.models import Evidence, EvidenceKind, kind_label

from .services import ingest_evidence
from .validation import check_client_name

MAX_FILES = 10
ACCEPT = "image/jpeg,image/png,application/pdf"

# "household" / "site" → a function of a stage code giving the evidence kinds that stage asks for.
_STAGE_KINDS: dict[str, Callable[[str], tuple[str, ...]]] = {}


def register_stage_kinds(subject: str, kinds_of_stage: Callable[[str], tuple[str, ...]]) -> None:
    _STAGE_KINDS[subject] = kinds_of_stage


def kind_choices(subject, *, is_site: bool = False, all_kinds: bool = False):
    """(choices, missing) for an upload at the subject's current stage: the kinds the stage asks
    for, marked 已有/缺, then 其他 — or, with `all_kinds`, every other kind in a second group."""
    kinds_of_stage = _STAGE_KINDS.get("site" if is_site else "household")
    wanted = list(kinds_of_stage(subject.stage)) if kinds_of_stage else []
    owner = {"site": subject} if is_site else {"household": subject}
    have = set(Evidence.objects.filter(**owner, stage=subject.stage, withdrawn_at__isnull=True)
               .values_list("kind", flat=True))
    missing = [k for k in wanted if k not in have]
    asked = [(k, f"{kind_label(k)}（{'已有' if k in have else '缺'}）") for k in wanted]
    if not all_kinds:
        return [*asked, (EvidenceKind.OTHER, kind_label(EvidenceKind.OTHER))], missing
    rest = [(k, label) for k, label in EvidenceKind.choices if k not in wanted]
    if not asked:
        return rest, missing
    return [("本阶段所需材料", asked), ("其他材料类型", rest)], missing


def ingest_each(uploads, *, actor, stage: str, kind: str, description: str = "", household=None, site=None,
                sent_names: list[tuple[str, str | None]] | None = None, request=None):
    """File each upload in its own transaction. Returns (stored, refused): the Evidence rows kept
    and, for each refused file, "name：reason".

    `sent_names` (the generic page's parser): for each file part of the request, the name the
    browser sent and the name Django kept (None when Django dropped the part, e.g. ".."); those
    dropped are refused by the name check, the kept ones pair with `uploads` in order."""
    if sent_names is None:
        entries = [(upload, upload.name) for upload in uploads]
    else:
        kept = iter(uploads)
        entries = [(next(kept, None) if name_kept else None, sent) for sent, name_kept in sent_names]
    stored, refused = [], []
    for number, (upload, name) in enumerate(entries, start=1):
        try:
            check_client_name(name)
            if upload is None:
                raise ValidationError("文件未能读取，请重新选择。", code="name_path")
            with transaction.atomic():
                stored.append(ingest_evidence(actor=actor, upload=upload, stage=stage, kind=kind,
                                              description=description, household=household, site=site,
                                              client_name=name, request=request))
        except ValidationError as exc:
            # A name refused for its characters is not repeated on the page.
            code = getattr(exc, "code", None)
            named = name if code not in ("name_path", "name_markup") else f"第{number}个文件"
            refused.append(f"{named}：{'；'.join(exc.messages)}")
    return stored, refused
