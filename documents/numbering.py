"""文号: gap-free serials per county, year and document type.

The serial is taken inside the transaction that creates the document, from a counter row
locked with SELECT ... FOR UPDATE: concurrent generations of the same sequence queue on that
row, and a transaction that rolls back returns its number with it, so the register has
neither duplicates nor gaps. (SQLite serialises every writer anyway; PostgreSQL needs the lock.)
"""

from django.db import transaction

from .models import NumberCounter

NUMBER_FORMAT = "{prefix}〔{year}〕{word}第{serial}号"


def take_serial(*, county_code: str, year: int, doc_type: str) -> int:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_serial() must run inside the transaction that creates the document")
    key = {"county_code": county_code, "year": year, "doc_type": doc_type}
    # INSERT ... ON CONFLICT DO NOTHING: the first document of a sequence creates its counter
    # without racing another first document.
    NumberCounter.objects.bulk_create([NumberCounter(**key, last_serial=0)], ignore_conflicts=True)
    counter = NumberCounter.objects.select_for_update().get(**key)
    counter.last_serial += 1
    counter.save(update_fields=["last_serial"])
    return counter.last_serial


def format_number(*, prefix: str, year: int, word: str, serial: int) -> str:
    """e.g. 示例县搬迁〔2026〕公示第12号 (GB/T 9704: year in 六角括号〔〕, serial without leading zeros)."""
    return NUMBER_FORMAT.format(prefix=prefix, year=year, word=word, serial=serial)
