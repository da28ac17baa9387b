import datetime
import subprocess
from decimal import Decimal

import pytest

from aftercare.card import print_card
from aftercare.employment import record_employment, record_training
from aftercare.income import record_income
from documents import storage
from documents.services import generate_document
from workflows.acting import Refused


def pdf_text(version) -> str:
    with storage.open_stored(version.storage_name) as f:
        data = f.read()
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return "".join(text.split())  # table cells wrap: compare without white space


@pytest.fixture(autouse=True)
def archive_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_the_card_prints_the_quarterly_table_filled_in(family, officer):
    household = family["household"]
    generate_document("follow_up_card", household=household)
    record_employment(actor=officer, member=family["head"], month=datetime.date(2026, 2, 1), status="wage",
                      place="out_of_province", employer="东莞某电子厂", post="装配工", months=2,
                      monthly_income=Decimal("4200"), channel="east_west", start_date=datetime.date(2026, 2, 3))
    record_training(actor=officer, member=family["wife"], project="家政服务员培训",
                    start_date=datetime.date(2026, 1, 5), end_date=datetime.date(2026, 1, 20), certificate="五级证书")
    record_income(actor=officer, household=household, year=2026, quarter=1, values={
        "wage": "8400", "public_post": "0", "business_gross": "600", "business_cost": "100",
        "property_income": "300", "transfer": "450", "head_signed_on": "2026-03-30"})
    version = print_card(actor=officer, household=household, year=2026)
    assert version.version == 2
    text = pdf_text(version)
    for expected in ("2026年度季度收入监测表", "8400.00（0.00）", "9650.00", "3216.67", "1500.00",
                     "王大山 2月 登记→务工", "2026年3月30日", "家政服务员培训", "东莞某电子厂", "未填报"):
        assert "".join(expected.split()) in text, expected


def test_no_card_before_follow_up(family, officer):
    with pytest.raises(Refused) as refused:
        print_card(actor=officer, household=family["household"], year=2026)
    assert refused.value.codes == ["no_card"]
