"""The demo county (示例县): a fictional area tree, officials for every post, resettlement sites
and a few hundred households, all synthetic, for trying the system and for demonstrations.

Everything is generated from a seeded random generator, so two builds with the same seed give
the same people. Ages are taken as of REFERENCE_DATE (the program's busiest year), so a build in
any later year gives the same birth dates. ID numbers use real Guizhou county codes that
python-stdnum knows for every birth year (docs/traps.md: 520121 and friends only exist from 1995,
so older people would draw a region warning) with a correct GB 11643 check digit.

No audit events are written for the generated rows; one `demo.seed` event records the build.
"""

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from guardian.shortcuts import assign_perm
from stdnum.cn import ric

from audit.log import record
from registry.crypto import blind_index
from registry.models import (
    EMPLOYED,
    LABOUR_WITH_ABILITY,
    AdminArea,
    Employment,
    Household,
    LabourAbility,
    Member,
    Relation,
    RelocationReason,
    ResettlementMode,
    ResettlementSite,
    SiteKind,
    Sex,
    level_of_code,
)
from registry.policy import blocking, check_household
from registry.roles import ROLES

DEMO_PASSWORD = "Demo-2026-pass"
DEFAULT_HOUSEHOLDS = 300
DEFAULT_SEED = 2026
REFERENCE_DATE = date(2019, 6, 30)

COUNTY = ("520999000000", "示例县")
# Township codes follow the statistics bureau's habit: 1xx a town (镇), 2xx a township (乡);
# village codes 2xx a village committee (村委会).
TOWNSHIPS = [
    ("520999101000", "城关镇", [("520999101201", "龙井村"), ("520999101202", "石门村"),
                              ("520999101203", "杨柳村"), ("520999101204", "青山村")]),
    ("520999102000", "石桥镇", [("520999102201", "坪上村"), ("520999102202", "大寨村"),
                              ("520999102203", "水口村"), ("520999102204", "岩脚村")]),
    ("520999201000", "高坡乡", [("520999201201", "花桥村"), ("520999201202", "羊场村"),
                              ("520999201203", "新寨村"), ("520999201204", "云雾村")]),
]

# (code, name, area code, kind, location, latitude, longitude) — fictional places.
SITES = [
    ("520999-AZD-01", "示例县城北易地扶贫搬迁安置点", "520999000000", SiteKind.URBAN, "示例县县城北部新区",
     Decimal("26.583100"), Decimal("107.233400")),
    ("520999-AZD-02", "城关镇新街安置点", "520999101000", SiteKind.URBAN, "城关镇新街集镇",
     Decimal("26.601200"), Decimal("107.251800")),
    ("520999-AZD-03", "高坡乡坪坝安置点", "520999201000", SiteKind.RURAL, "高坡乡坪坝中心村",
     Decimal("26.512700"), Decimal("107.310500")),
]
# Where each township's centralised households go (drawn at random, repeats weigh more).
SITES_FOR_TOWNSHIP = {
    "520999101000": ["520999-AZD-02", "520999-AZD-02", "520999-AZD-01"],
    "520999102000": ["520999-AZD-01"],
    "520999201000": ["520999-AZD-03", "520999-AZD-03", "520999-AZD-01"],
}
CENTRALISED_SHARE = 0.85

# The registered birthplace of most people of a township, and of people married in from
# elsewhere: Guizhou counties with no date range in python-stdnum's table (valid in any year).
HOME_REGIONS = {"520999101000": "522725", "520999102000": "522727", "520999201000": "522728"}
OTHER_REGIONS = ["522323", "522324", "522622", "522623", "522722", "522723", "522726", "522729", "522730",
                 "522731", "522732"]

SURNAMES = "杨王李张刘陈吴罗龙石潘黄韦蒙田周赵徐胡何"
MALE_CHARS = "明国华军勇强刚平林文成德富贵发兴昌永光忠志金海云学正元祥福安荣顺宝才"
FEMALE_CHARS = "芳英兰秀梅珍花琴丽艳霞燕凤莲春红桂玉萍娟翠菊美仙"
MODERN_NAMES = {  # given names common for children born after 2000
    Sex.MALE: ["子豪", "浩然", "梓轩", "宇航", "俊杰", "家乐", "天佑", "志远", "博文", "子涵", "雨泽", "晨阳"],
    Sex.FEMALE: ["欣怡", "雨桐", "梓涵", "诗琪", "佳怡", "思雨", "紫萱", "可馨", "雅婷", "梦瑶", "语嫣", "若曦"],
}
HOUSEHOLD_SIZE_WEIGHTS = {1: 8, 2: 15, 3: 22, 4: 25, 5: 18, 6: 12}
REASON_WEIGHTS = {
    RelocationReason.HARSH_CONDITIONS: 45,
    RelocationReason.NO_INFRASTRUCTURE: 25,
    RelocationReason.FRAGILE_ECOLOGY: 15,
    RelocationReason.DISEASE_OR_HAZARD: 15,
}
SELF_FUNDING_CHOICES = [0, 0, 0, 2000, 3000, 5000, 5000, 8000, 10000]  # seed 002: at most 10,000 yuan
# Share of households whose able members are all still without work: they show the follow-up
# warning (seeds 002/004), which the demo should be able to show.
NO_WORK_YET_SHARE = 0.05

COUNTY_POSTS = [
    ("county_office", "role_county_office"),
    ("county_housing", "role_county_housing"),
    ("county_natres", "role_county_natural_resources"),
    ("county_hrss", "role_county_hrss"),
    ("county_finance", "role_county_finance"),
    ("county_drc", "role_county_drc"),
    ("county_auditor", "role_auditor"),
    ("county_sysadmin", "role_system_admin"),
]
TOWNSHIP_POSTS = [("reviewer", "role_township_reviewer"), ("leader", "role_township_leader")]
VILLAGE_POSTS = [("clerk", "role_village_clerk"), ("head", "role_village_head")]
SUPERUSER = "admin"


@dataclass(frozen=True)
class Post:
    """One official's post: a role on an area, held through a group named after the post."""

    username: str
    role: str  # codename in registry.roles.ROLES
    area_code: str
    area_name: str

    @property
    def label(self) -> str:
        return ROLES[self.role].label

    @property
    def group_name(self) -> str:
        return f"{self.area_name}-{self.label}"


@dataclass(frozen=True)
class Login:
    role: str
    area: str
    username: str
    password: str


@dataclass
class DemoSummary:
    built: bool
    areas_created: int = 0
    users_created: int = 0
    sites: int = 0
    households: int = 0
    members: int = 0
    warnings: int = 0  # households with a non-blocking policy warning (employment follow-up)


def demo_tree() -> list[tuple[str, str, str | None]]:
    """(code, name, parent code) of the demo county, townships and villages, parents first.
    data/areas-example.csv holds the same tree for load_areas."""
    rows = [(COUNTY[0], COUNTY[1], None)]
    for t_code, t_name, villages in TOWNSHIPS:
        rows.append((t_code, t_name, COUNTY[0]))
        rows += [(v_code, v_name, t_code) for v_code, v_name in villages]
    return rows


def demo_posts() -> list[Post]:
    """Every post of the demo: all county posts, both township posts of each township, clerk and
    head of every village. Usernames carry the area code's own digits: t101_reviewer, v101201_clerk."""
    posts = [Post(name, role, COUNTY[0], COUNTY[1]) for name, role in COUNTY_POSTS]
    for t_code, t_name, villages in TOWNSHIPS:
        posts += [Post(f"t{t_code[6:9]}_{suffix}", role, t_code, t_name) for suffix, role in TOWNSHIP_POSTS]
        for v_code, v_name in villages:
            posts += [Post(f"v{v_code[6:]}_{suffix}", role, v_code, v_name) for suffix, role in VILLAGE_POSTS]
    return posts


def demo_exists() -> bool:
    """The demo has been built (its sites exist) or the county holds households of its own."""
    return (ResettlementSite.objects.filter(code__in=[s[0] for s in SITES]).exists()
            or Household.objects.filter(area_code__startswith=COUNTY[0][:6]).exists())


class People:
    """Synthetic people: names, birth dates and ID numbers, unique among themselves and among the
    active cases already stored."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.taken = set(Member.objects.filter(case_active=True).values_list("id_index", flat=True))

    def given_name(self, sex: str, birth_year: int) -> str:
        if birth_year >= 2000 and self.rng.random() < 0.7:
            return self.rng.choice(MODERN_NAMES[sex])
        chars = MALE_CHARS if sex == Sex.MALE else FEMALE_CHARS
        return "".join(self.rng.choice(chars) for _ in range(self.rng.choice((1, 2, 2))))

    def birth_date(self, age: int) -> date:
        born = REFERENCE_DATE.replace(year=REFERENCE_DATE.year - age)
        return born - timedelta(days=self.rng.randrange(0, 365))

    def id_number(self, region: str, born: date, sex: str) -> str:
        while True:
            # The 17th digit is odd for men, even for women (GB 11643).
            order = self.rng.randrange(0, 500) * 2 + (1 if sex == Sex.MALE else 0)
            body = f"{region}{born:%Y%m%d}{order:03d}"
            number = body + ric.calc_check_digit(body + "0")
            index = blind_index(number)
            if index not in self.taken:
                self.taken.add(index)
                return number


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _labour(rng: random.Random, age: int) -> tuple[str, bool, str]:
    """(labour ability, willing to work, employment) plausible for an age."""
    if age < 16:
        return LabourAbility.NONE, False, Employment.STUDENT if age >= 6 else Employment.NOT_APPLICABLE
    if age <= 22 and rng.random() < 0.5:
        return LabourAbility.NORMAL, False, Employment.STUDENT
    if age <= 60:
        ability = rng.choices([LabourAbility.NORMAL, LabourAbility.SKILLED, LabourAbility.WEAK], [70, 15, 15])[0]
        work = rng.choices(
            [Employment.MIGRANT, Employment.LOCAL, Employment.PUBLIC_POST, Employment.SELF_EMPLOYED,
             Employment.UNEMPLOYED], [45, 25, 5, 5, 20])[0]
        return ability, True, work
    if age <= 70:
        ability = rng.choices([LabourAbility.WEAK, LabourAbility.LOST, LabourAbility.NORMAL], [50, 30, 20])[0]
        if ability == LabourAbility.LOST:
            return ability, False, Employment.NOT_APPLICABLE
        return ability, rng.random() < 0.5, rng.choice([Employment.LOCAL, Employment.PUBLIC_POST,
                                                        Employment.UNEMPLOYED, Employment.UNEMPLOYED])
    return rng.choice([LabourAbility.LOST, LabourAbility.NONE]), False, Employment.NOT_APPLICABLE


def _family(rng: random.Random, size: int) -> list[tuple[str, str, int]]:
    """(relation, sex, age) of a household of `size` people, head first."""
    head_age = rng.randint(55, 85) if size == 1 and rng.random() < 0.7 else rng.randint(28, 68)
    head_sex = Sex.MALE if rng.random() < (0.6 if size == 1 else 0.88) else Sex.FEMALE
    family = [(Relation.HEAD, head_sex, head_age)]
    left = size - 1
    other = Sex.FEMALE if head_sex == Sex.MALE else Sex.MALE
    if left and rng.random() < (0.7 if size == 2 else 0.88):
        family.append((Relation.SPOUSE, other, max(20, head_age + rng.randint(-5, 4))))
        left -= 1
    if left and head_age <= 50 and rng.random() < 0.35:
        family.append((Relation.PARENT, rng.choice([Sex.MALE, Sex.FEMALE]), min(92, head_age + rng.randint(22, 30))))
        left -= 1
    children = []
    while left and len(children) < 4:
        oldest = min(head_age - 22, 40)
        youngest = max(0, head_age - 42)
        age = rng.randint(min(youngest, oldest), oldest)
        children.append((Relation.CHILD, rng.choice([Sex.MALE, Sex.FEMALE]), age))
        left -= 1
    family += children
    grown = [age for _, _, age in children if age >= 22]
    while left and grown:
        family.append((Relation.GRANDCHILD, rng.choice([Sex.MALE, Sex.FEMALE]),
                       rng.randint(0, max(0, max(grown) - 21))))
        left -= 1
    while left:  # a household larger than its plausible parents and children: siblings
        family.append((Relation.SIBLING, rng.choice([Sex.MALE, Sex.FEMALE]),
                       max(16, head_age + rng.randint(-10, 10))))
        left -= 1
    return family


def _members_for(rng: random.Random, people: People, household: Household, township_code: str) -> list[Member]:
    size = _weighted(rng, HOUSEHOLD_SIZE_WEIGHTS)
    family = _family(rng, size)
    surname = rng.choice(SURNAMES)
    spouse_surname = rng.choice(SURNAMES)
    # Children take the father's surname: the spouse's when the head is a woman with a husband.
    husband = family[0][1] == Sex.FEMALE and any(r == Relation.SPOUSE for r, _, _ in family)
    children_surname = spouse_surname if husband else surname
    home = HOME_REGIONS[township_code]
    members, names = [], set()
    for relation, sex, age in family:
        married_in = relation == Relation.SPOUSE or (relation == Relation.PARENT and sex == Sex.FEMALE)
        if relation == Relation.SPOUSE:
            family_name = spouse_surname
        elif relation in (Relation.CHILD, Relation.GRANDCHILD):
            family_name = children_surname
        else:
            family_name = rng.choice(SURNAMES) if married_in else surname
        region = rng.choice(OTHER_REGIONS) if married_in and rng.random() < 0.4 else home
        born = people.birth_date(age)
        name = family_name + people.given_name(sex, born.year)
        while name in names:
            name = family_name + people.given_name(sex, born.year)
        names.add(name)
        ability, willing, work = _labour(rng, age)
        member = Member(household=household, name=name, relation=relation, labour_ability=ability,
                        willing_to_work=willing, employment=work)
        member.id_number = people.id_number(region, born, sex)
        members.append(member)
    able = [m for m in members if m.labour_ability in LABOUR_WITH_ABILITY and m.willing_to_work]
    if able and rng.random() < NO_WORK_YET_SHARE:
        for member in members:
            if member.employment in EMPLOYED:
                member.employment = Employment.UNEMPLOYED
    elif able and not any(m.employment in EMPLOYED for m in members):
        rng.choice(able).employment = rng.choice([Employment.MIGRANT, Employment.LOCAL, Employment.PUBLIC_POST])
    return members


def _ensure_areas() -> tuple[dict[str, AdminArea], int]:
    areas: dict[str, AdminArea] = {}
    created = 0
    for code, name, parent_code in demo_tree():
        area = AdminArea.objects.filter(code=code).first()
        if area is None:
            area = AdminArea(code=code, name=name, level=level_of_code(code),
                             parent=areas[parent_code] if parent_code else None)
            area.clean()
            area.save()
            created += 1
        areas[code] = area
    return areas, created


def _ensure_officials(areas: dict[str, AdminArea], rng: random.Random) -> tuple[dict[str, object], int]:
    User = get_user_model()
    hashed = make_password(DEMO_PASSWORD)  # one hash for all: the password is public anyway
    users, created = {}, 0
    admin = User.objects.filter(username=SUPERUSER).first()
    if admin is None:
        admin = User(username=SUPERUSER, is_staff=True, is_superuser=True, last_name="系统", first_name="管理员")
        validate_password(DEMO_PASSWORD, admin)
        admin.password = hashed
        admin.save()
        created += 1
    users[SUPERUSER] = admin
    for post in demo_posts():
        user = User.objects.filter(username=post.username).first()
        if user is None:
            sex = rng.choice([Sex.MALE, Sex.FEMALE])
            chars = MALE_CHARS if sex == Sex.MALE else FEMALE_CHARS
            user = User(username=post.username, is_staff=True, last_name=rng.choice(SURNAMES),
                        first_name="".join(rng.choice(chars) for _ in range(rng.choice((1, 2)))))
            validate_password(DEMO_PASSWORD, user)
            user.password = hashed
            user.save()
            created += 1
        group, _ = Group.objects.get_or_create(name=post.group_name)
        assign_perm(f"registry.{post.role}", group, areas[post.area_code])
        user.groups.add(group)
        users[post.username] = user
    return users, created


def _village_cadres(users) -> dict[str, list]:
    """包保责任人 (seed 000): village cadres cover the households of their village."""
    cadres: dict[str, list] = {}
    for post in demo_posts():
        if post.role in ("role_village_clerk", "role_village_head"):
            cadres.setdefault(post.area_code, []).append(users[post.username])
    return cadres


def build_demo(*, households: int = DEFAULT_HOUSEHOLDS, seed: int = DEFAULT_SEED) -> DemoSummary:
    """Build the demo county in one transaction, unless it exists already (then nothing is
    changed). Areas already loaded (e.g. from data/areas-example.csv) are reused."""
    with transaction.atomic():
        if demo_exists():
            return DemoSummary(built=False)
        areas, areas_created = _ensure_areas()
        users, users_created = _ensure_officials(areas, random.Random(seed + 1))
        cadres = _village_cadres(users)
        sites = {}
        for code, name, area_code, kind, location, lat, lon in SITES:
            site = ResettlementSite(code=code, name=name, area=areas[area_code], kind=kind, location=location,
                                    latitude=lat, longitude=lon)
            site.clean()
            site.save()
            sites[code] = site

        rng = random.Random(seed)
        people = People(rng)
        villages = [(t_code, v_code) for t_code, _, vs in TOWNSHIPS for v_code, _ in vs]
        summary = DemoSummary(built=True, areas_created=areas_created, users_created=users_created,
                              sites=len(sites))
        per_site: dict[str, list[int]] = {code: [0, 0] for code in sites}
        for i, (t_code, v_code) in enumerate(villages):
            count = households // len(villages) + (1 if i < households % len(villages) else 0)
            for seq in range(1, count + 1):
                number = f"{v_code}{seq:04d}"
                centralised = rng.random() < CENTRALISED_SHARE
                site = sites[rng.choice(SITES_FOR_TOWNSHIP[t_code])] if centralised else None
                household = Household(
                    number=number, village=areas[v_code], poverty_registered=True,
                    poverty_reg_number=f"JD{number}",
                    relocation_reason=_weighted(rng, REASON_WEIGHTS),
                    resettlement_mode=ResettlementMode.CENTRALISED if centralised else ResettlementMode.SCATTERED,
                    site=site,
                    scattered_location="" if centralised else f"{areas[t_code].name}集镇周边（自购或自建）",
                    homestead_area=Decimal(rng.randrange(60, 200)),
                    self_funding=Decimal(rng.choice(SELF_FUNDING_CHOICES)),
                    responsible_cadre=rng.choice(cadres[v_code]),
                    contact_phone=f"1990000{rng.randrange(10000):04d}",  # synthetic range
                    planned_floor_area=Decimal(0),
                )
                members = _members_for(rng, people, household, t_code)
                # seed 002: at most 25 m² per person; most households build exactly that.
                per_person = rng.choice([20, 25, 25])
                household.planned_floor_area = Decimal(per_person * len(members))
                found = check_household(household, members)
                if blocking(found):
                    raise AssertionError(f"demo household {number} breaks policy: {blocking(found)}")
                summary.warnings += bool(found)
                household.full_clean(exclude=["stage"])  # protected FSM field: clean_fields would assign it
                household.save()
                for member in members:
                    member.household = household
                    member.save()
                summary.households += 1
                summary.members += len(members)
                if site:
                    per_site[site.code][0] += 1
                    per_site[site.code][1] += len(members)
        for code, (units, persons) in per_site.items():
            # Planned a little above who is enrolled, as sites were (rounded up to tens).
            ResettlementSite.objects.filter(code=code).update(
                planned_units=math.ceil(units * 1.1 / 10) * 10, planned_persons=math.ceil(persons * 1.1 / 10) * 10,
                planned_funds=Decimal(persons * 50000),
            )
        record(None, "demo.seed", areas[COUNTY[0]], {
            "seed": seed, "households": summary.households, "members": summary.members,
            "users_created": summary.users_created, "areas_created": summary.areas_created, "sites": summary.sites,
        })
        return summary


def demo_logins() -> list[Login]:
    """The demo's logins as stored now: the demo password where it still works."""
    User = get_user_model()
    wanted = [(SUPERUSER, "超级用户（全部权限）", "—")] + [(p.username, p.label, p.area_name) for p in demo_posts()]
    stored = {u.username: u for u in User.objects.filter(username__in=[w[0] for w in wanted])}
    works: dict[str, bool] = {}  # one hash check per distinct stored hash (they are slow on purpose)
    logins = []
    for username, role, area in wanted:
        user = stored.get(username)
        if user is None:
            continue
        if user.password not in works:
            works[user.password] = check_password(DEMO_PASSWORD, user.password)
        logins.append(Login(role, area, username, DEMO_PASSWORD if works[user.password] else "（已修改，非演示密码）"))
    return logins
