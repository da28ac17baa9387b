"""Household numbers (户编号): the village's 12-digit code and a 4-digit sequence, given out by the
system, gap-free and never twice (issue 14 item 3).

`next_household_number(village)` must run inside the transaction that saves the household: it
locks the village's `HouseholdSequence` row (SELECT … FOR UPDATE), so concurrent entries in one
village queue on that row, and a rolled-back entry rolls its increment back too — the next entry
gets the same number, leaving no gap. Numbers typed by hand before this existed (the admin, demo
data, imports of the national list's own numbers) are respected: the counter starts above the
highest number already used in the village and steps over any taken one.
"""

from django.db import transaction
from django.db.models.functions import Substr

from registry.models import Household, HouseholdSequence
from registry.policy import Violation

SEQUENCE_DIGITS = 4
LAST_SEQUENCE = 10**SEQUENCE_DIGITS - 1
VILLAGE_FULL = "本村户编号（4位顺序号）已用完，请联系县级管理员。"


class NumbersExhausted(Exception):
    def __init__(self):
        super().__init__(VILLAGE_FULL)
        self.violation = Violation("numbers_exhausted", "number", VILLAGE_FULL)


def _highest_used(village) -> int:
    numbers = (
        Household.objects.filter(number__startswith=village.code)
        .annotate(sequence=Substr("number", len(village.code) + 1))
        .values_list("sequence", flat=True)
    )
    return max((int(s) for s in numbers if s.isdigit()), default=0)


def _locked_sequence(village) -> HouseholdSequence:
    # The row may not exist yet: create it without failing when a concurrent entry does the same,
    # then lock whichever row won.
    HouseholdSequence.objects.bulk_create(
        [HouseholdSequence(village=village, last=_highest_used(village))], ignore_conflicts=True
    )
    return HouseholdSequence.objects.select_for_update().get(pk=village.pk)


def next_household_number(village) -> str:
    """The next free 16-digit household number of `village`, taken in the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("A household number is taken only inside the transaction that saves the household.")
    sequence = _locked_sequence(village)
    candidate = sequence.last
    while True:
        candidate += 1
        if candidate > LAST_SEQUENCE:
            raise NumbersExhausted()
        number = f"{village.code}{candidate:0{SEQUENCE_DIGITS}d}"
        if not Household.objects.filter(number=number).exists():  # typed by hand earlier: step over it
            break
    sequence.last = candidate
    sequence.save(update_fields=["last"])
    return number
