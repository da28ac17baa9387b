"""Benchmark of the PDF engine (issue 3). Prints:

1. the 30-household 公示 notice rendered through the system (generate_document: template, QR,
   文号 counter, PDF/A, hashes, storage, records, audit) against WeasyPrint's bare render of the
   same HTML in the same process (target ≤ 1.3×);
2. documents per second for 200 one-page documents (申请表) in one process;
3. PDF size per one-page document, and for comparison the same notice set in other fonts.

Runs on a scratch SQLite database and storage in a temporary folder:
    .venv/bin/python bench/pdf.py [--runs 9] [--documents 200] [--no-fonts]
"""

import argparse
import datetime
import gc
import itertools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
scratch = Path(tempfile.mkdtemp(prefix="bench-pdf-"))
os.environ.update({
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DEBUG": "1",
    "DATABASE_URL": f"sqlite:///{scratch / 'bench.sqlite3'}",
    "MEDIA_ROOT": str(scratch / "media"),
    "LOG_LEVEL": "WARNING",
})

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402

from documents import pdf as engine  # noqa: E402
from documents import services  # noqa: E402
from registry.models import AdminArea, AreaLevel, Relation  # noqa: E402
from tests.factories import HouseholdFactory, MemberFactory, make_id_number  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
_people = itertools.count()


def id_number() -> str:
    n = next(_people)
    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=n // 1000)
    return make_id_number(birth=f"{birth:%Y%m%d}", seq=n % 1000)


def setup_cast():
    call_command("migrate", verbosity=0)
    county = AdminArea.objects.create(code="520999000000", name="示例县", level=AreaLevel.COUNTY)
    town = AdminArea.objects.create(code="520999101000", name="城关镇", level=AreaLevel.TOWNSHIP, parent=county)
    villages = [AdminArea.objects.create(code=f"520999101{200 + i:03d}", name=f"新寨{i}村", level=AreaLevel.VILLAGE,
                                         parent=town) for i in range(1, 9)]
    admin = get_user_model().objects.create_superuser("bench", password="bench-password-1")
    return admin, villages


def family(village, i):
    household = HouseholdFactory(village=village, head=False, contact_phone="13812345678")
    MemberFactory(household=household, name=f"{SURNAMES[i % len(SURNAMES)]}德{i}", relation=Relation.HEAD,
                  id_number=id_number())
    for k in range(i % 4):
        MemberFactory(household=household, name=f"{SURNAMES[i % len(SURNAMES)]}{'一二三'[k]}{i}",
                      relation=Relation.CHILD, id_number=id_number())
    return household


def timed(fn, runs):
    times = []
    result = None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def notice_html(version):
    """The exact HTML the system rendered for this version, rebuilt from its inputs."""
    spec = services.get_spec("public_notice")
    document = version.document
    subject = services.subject_for(households=list(document.households.all()))
    content = services._content(spec, subject, services._options_from_json(spec, version.options))
    captured = {}
    real = services.render_html

    def capture(html):
        captured["html"] = html
        return real(html)

    services.render_html = capture
    try:
        services.regenerate_document(document, actor=version.generated_by, reason="bench: capture html")
    finally:
        services.render_html = real
    return captured["html"], content


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--no-fonts", action="store_true")
    args = parser.parse_args()

    admin, villages = setup_cast()
    batch = [family(villages[0], i) for i in range(30)]
    singles = [family(villages[1 + i % 7], 100 + i) for i in range(args.documents)]

    # Warm up: fonts loaded, templates compiled, FontConfiguration created — as in a worker.
    services.generate_document("public_notice", actor=admin, households=batch)
    services.generate_document("application_form", actor=admin, household=singles[0])

    version = services.generate_document("public_notice", actor=admin, households=batch)
    html, _ = notice_html(version)
    engine.bare_render(html)
    # Interleaved, after a collection each, so that drift (other processes, the heap) hits both.
    system_times, bare_times = [], []
    for _ in range(args.runs):
        gc.collect()
        s, version = timed(lambda: services.generate_document("public_notice", actor=admin, households=batch), 1)
        system_times.append(s)
        gc.collect()
        b, bare_pdf = timed(lambda: engine.bare_render(html), 1)
        bare_times.append(b)
    system_s, bare_s = statistics.median(system_times), statistics.median(bare_times)
    print("1. 30-household 公示 notice, median of", args.runs, "runs")
    print(f"   through the system (generate_document) : {system_s * 1000:7.0f} ms  "
          f"({version.pages} pages, {version.size / 1024:.0f} KB, PDF/A-3b)")
    print(f"   WeasyPrint bare render, same HTML     : {bare_s * 1000:7.0f} ms  ({len(bare_pdf) / 1024:.0f} KB)")
    print(f"   ratio                                 : {system_s / bare_s:7.2f}×  (target ≤ 1.3×)")

    t = time.perf_counter()
    versions = [services.generate_document("application_form", actor=admin, household=h) for h in singles]
    elapsed = time.perf_counter() - t
    pages = [v.pages for v in versions]
    sizes = [v.size for v in versions]
    print(f"2. {len(versions)} one-page documents (申请表) in one process: {elapsed:.1f} s, "
          f"{len(versions) / elapsed:.1f} documents/s (pages: min {min(pages)}, max {max(pages)})")
    print(f"3. size per one-page document (申请表): median {statistics.median(sizes) / 1024:.1f} KB, "
          f"min {min(sizes) / 1024:.1f} KB, max {max(sizes) / 1024:.1f} KB")
    notice_one = services.generate_document("public_notice", actor=admin, households=batch[:5])
    approval = services.generate_document("approval_form", actor=admin, household=batch[0])
    print(f"   one-page 公示 (5 households): {notice_one.size / 1024:.1f} KB ({notice_one.pages} page); "
          f"审核审批表: {approval.size / 1024:.1f} KB ({approval.pages} page)")

    if not args.no_fonts:
        # Same notice HTML, every font family forced, to show why the default stack was chosen.
        css_faces = {
            "default stack (SungtiL GB + WenQuanYi Micro Hei)": None,
            "Noto Serif CJK SC": "'Noto Serif CJK SC'",
            "Noto Sans CJK SC": "'Noto Sans CJK SC'",
            "WenQuanYi Micro Hei": "'WenQuanYi Micro Hei'",
            "AR PL SungtiL GB": "'AR PL SungtiL GB'",
        }
        one_page_html = notice_html(notice_one)[0]
        print("   one-page 公示 by font (PDF/A-3b):")
        for label, family_css in css_faces.items():
            html = one_page_html
            if family_css:
                html = html.replace("</head>", f"<style>* {{ font-family: {family_css} !important; }}</style></head>")
            size = len(engine.render_html(html).data)
            print(f"     {label:<50} {size / 1024:6.1f} KB")


if __name__ == "__main__":
    main()
