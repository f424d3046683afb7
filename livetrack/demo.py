"""A demo trust built from nothing: schools, pupils and a year of live statuses.

Everything is synthetic: invented names, valid but made-up UPNs, and figures
drawn to follow England's national patterns (SEND, FSM, attendance, the
attainment gaps), so that every chart in the app has something true to say.
The same seed and day always build the same trust, and school 1 is the same
whatever the size of the trust.
"""

import logging
import time
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import numpy as np
import pandas as pd

from livetrack.calendar import (
    SCHOOL_TIME_ZONE,
    HalfTerm,
    academic_year_of,
    default_half_terms,
    default_tracking_start,
    first_calendar_year,
)
from livetrack.domain import EVIDENCE_TYPES, Status
from livetrack.errors import LiveTrackError
from livetrack.progress import Progress, silent
from livetrack.snapshots import end_of, take_snapshot
from livetrack.store import Store
from livetrack.store.interventions import insert_intervention, insert_review
from livetrack.store.people import write_area
from livetrack.store.pupils import (
    ATTENDANCE_COLUMNS,
    HISTORY_COLUMNS,
    INCIDENT_COLUMNS,
    insert_attendance,
    insert_incidents,
    insert_pupils,
    insert_status_history,
)
from livetrack.store.schools import (
    add_staff,
    add_subject,
    create_school,
    ensure_class,
    ensure_office_account,
    save_academic_year,
)
from livetrack.upn import make_upn

log = logging.getLogger(__name__)

BELOW, ON, ABOVE = Status.BELOW.value, Status.ON.value, Status.ABOVE.value

# --- Who the pupils are: national figures for primary schools (DOMAIN.md) ---

GIRLS_SHARE = 0.49
SEN_SUPPORT_SHARE = 0.15
EHC_PLAN_SHARE = 0.03
BOYS_SHARE = {"K": 0.61, "E": 0.71}  # of pupils with SEN support, an EHC plan
FSM_SHARE = 0.247
PP_BEYOND_FSM_SHARE = 0.025  # Ever-6 and service children not on FSM today
EAL_SHARE = 0.20
LOOKED_AFTER_SHARE = 0.01
PREFERRED_NAME_SHARE = 0.5  # of pupils whose name has a usual short form
NURSERY_UPN_SHARE = 0.45  # UPN issued a year before Reception, at nursery
EARLIER_JOINER_SHARE = 0.12  # of Years 1-6: joined after the start of Reception
THIS_YEAR_JOINER_SHARE = 0.02  # joined since the start of this academic year
CLASS_SIZE_WEIGHTS = {28: 0.15, 29: 0.25, 30: 0.35, 31: 0.25}

# Primary need of pupils with SEN support or an EHC plan, in percent
SEN_SUPPORT_NEEDS = {
    "SLCN": 31, "SEMH": 19, "MLD": 14, "SPLD": 11, "ASD": 9, "NSA": 5,
    "OTH": 4, "PD": 3, "HI": 2, "VI": 1, "SLD": 0.6, "MSI": 0.2, "PMLD": 0.2,
}  # fmt: skip
EHC_PLAN_NEEDS = {
    "ASD": 36, "SLCN": 24, "SEMH": 12, "SLD": 7, "MLD": 5, "PD": 5,
    "OTH": 4, "PMLD": 2, "HI": 2, "VI": 1, "SPLD": 1, "MSI": 1,
}  # fmt: skip

# --- Attendance: mean about 94.5%, persistent absence about 14% ---

USUAL_ABSENCE_SHARE = 0.037  # of sessions, for a pupil with no FSM or SEND
FSM_ABSENCE_FACTOR = 1.9
SEN_SUPPORT_ABSENCE_FACTOR = 1.7
EHC_PLAN_ABSENCE_FACTOR = 2.0
ABSENCE_SPREAD_SHAPE = 1.5  # gamma shape of pupils' usual absence: lower is wider
HALF_TERM_SPREAD_SHAPE = 3.0  # gamma shape of one half-term's illness and holidays
SEVERE_ABSENCE_SHARE = 0.003
SEVERE_ABSENCE_RANGE = (0.55, 0.75)  # share of sessions missed
UNAUTHORISED_SHARE_OF_ABSENCE = {True: 0.35, False: 0.2}  # by FSM: mean share
UNAUTHORISED_SHARE_SPREAD = 4.0  # beta concentration: higher is tighter

# --- Behaviour: per pupil per term of 13 weeks; about 5% cause most incidents ---

SCHOOL_DAYS_PER_TERM = 65
NEGATIVE_INCIDENTS_PER_TERM = 0.4
FREQUENT_NEGATIVE_INCIDENTS_PER_TERM = 12.0
FREQUENT_INCIDENT_PUPIL_SHARE = 0.05
POSITIVE_INCIDENTS_PER_TERM = 7.0
NEGATIVE_CATEGORIES = {  # category: (points, weight)
    "Disruption": (-1, 40), "Lateness to lesson": (-1, 12),
    "Unkind words": (-2, 22), "Defiance": (-2, 16), "Physical": (-3, 10),
}  # fmt: skip
POSITIVE_CATEGORIES = {
    "House points": (1, 50), "Effort": (2, 20), "Kindness": (2, 14),
    "Reading award": (3, 11), "Star of the week": (5, 5),
}  # fmt: skip

# --- Live statuses: Below about 15%, Above about 10%, with the national gaps ---

BELOW_SHARE = 0.15
ABOVE_SHARE = 0.10
SEN_SUPPORT_ABILITY_SHIFT = -1.05  # in standard deviations of attainment
EHC_PLAN_ABILITY_SHIFT = -1.8
PP_ABILITY_SHIFT = -0.5
ABILITY_SHIFT_PER_ABSENCE_POINT = -0.06  # per percentage point of usual absence
SUMMER_BORN_ABILITY_SHIFT = -0.25  # in Reception to Year 2
EAL_ABILITY_SHIFT = -0.2  # in Reception and Year 1
CORE_SUBJECT_LINK = 0.85  # how much a core subject follows the pupil's ability
OTHER_SUBJECT_LINK = 0.65
CLASS_SUBJECT_SPREAD = 0.12  # how much one class differs from another in a subject
STRONG_SUBJECT_SHIFT = 0.45
WEAK_SUBJECT_SHIFT = -0.3
YEAR_GROUP_SPREAD = {0: 0.8, 6: 1.1}  # Reception sets fewer extremes; Year 6 more

# How a status came to be: most cells never change and read On
EARLY_BELOW_SHARE = 0.55  # first marked Below in the first half-term of tracking
EARLY_ABOVE_SHARE = 0.35
RECOVERY_BAND = 0.45  # On cells this close to Below were Below for a while...
RECOVERED_SHARE = 0.4  # ...this share of them
EARLY_RECOVERED_SHARE = 0.7  # of those, first marked Below in the first half-term
SETTLED_BAND = 0.3  # On cells this close to Above were Above for a while...
SETTLED_SHARE = 0.15
RECONFIRMED_SHARE = 0.2  # Below cells a teacher marked Below again later
MIN_SCHOOL_DAYS_BETWEEN_CHANGES = 10
HALF_TERM_END_DAYS = 10  # teachers catch up in a half-term's last two weeks...
HALF_TERM_END_WEIGHT = 3.0  # ...this many times as often as on other days
NOTE_SHARE = 0.33
CLASS_TEACHER_SHARE = 0.88  # of changes; subject leads and the SENCo make the rest
CHANGE_TIMES = {  # (from, to) in minutes after midnight, local time: weight
    (8 * 60 + 10, 8 * 60 + 50): 0.15,
    (12 * 60, 13 * 60 + 10): 0.3,
    (15 * 60 + 20, 17 * 60 + 30): 0.55,
}

# --- The subjects every demo school tracks, and for which year groups ---

ALL_YEARS = [0, 1, 2, 3, 4, 5, 6]
KS1_AND_KS2 = [1, 2, 3, 4, 5, 6]
KS2 = [3, 4, 5, 6]
CORE_SUBJECTS = ["Reading", "Writing", "Maths"]
SUBJECTS = [
    ("Reading", ALL_YEARS), ("Writing", ALL_YEARS), ("Maths", ALL_YEARS),
    ("Science", KS1_AND_KS2), ("Computing", KS1_AND_KS2),
    ("Design and technology", KS1_AND_KS2), ("Geography", KS1_AND_KS2),
    ("History", KS1_AND_KS2), ("Music", KS1_AND_KS2), ("PE", KS1_AND_KS2),
    ("RE", KS1_AND_KS2), ("Languages", KS2),
]  # fmt: skip
EVIDENCE_WEIGHTS = {  # per subject, in the order of domain.EVIDENCE_TYPES
    "Reading": [30, 8, 20, 5, 32, 5],
    "Writing": [3, 20, 45, 30, 0, 2],
    "Maths": [35, 10, 25, 10, 18, 2],
}
OTHER_EVIDENCE_WEIGHTS = [30, 30, 15, 20, 2, 3]

# --- Staff roles the demo creates ---

# Names from domain.ROLES; the deputy head is one of the senior leadership team.
TEACHER, HEADTEACHER, DEPUTY = "teacher", "headteacher", "slt"
SENCO, SUBJECT_LEAD, TRUST_LEADER = "senco", "subject_lead", "trust_leader"
PHASE_LEAD, GOVERNOR = "phase_lead", "governor"
LEADERSHIP_ROLES = [HEADTEACHER, DEPUTY, SENCO, SUBJECT_LEAD, SUBJECT_LEAD]
# Drawn after the rest, from a stream of their own, so the pupils stay the same.
OTHER_ROLES = [PHASE_LEAD, GOVERNOR]
# The areas of the subject leads, in order, and of the phase lead.
SUBJECT_LEAD_AREAS = [["Reading", "Writing"], ["Maths", "Science"]]
PHASE_LEAD_YEAR_GROUPS = [3, 4, 5, 6]
TRUST_LEADER_NAME = ("Helen Ashworth", "seabridge-trust.example.org")  # name, domain
FEMALE_TEACHER_SHARE = 0.75

# --- Names: synthetic combinations of common names in English schools ---

GIRLS_NAMES = [
    "Olivia", "Amelia", "Isla", "Ava", "Ivy", "Freya", "Lily", "Florence",
    "Mia", "Willow", "Rosie", "Sophia", "Isabella", "Grace", "Daisy", "Sienna",
    "Poppy", "Elsie", "Emily", "Ella", "Evelyn", "Phoebe", "Evie", "Charlotte",
    "Harper", "Millie", "Matilda", "Ruby", "Eva", "Alice", "Ellie", "Ada",
    "Jessica", "Erin", "Maisie", "Chloe", "Imogen", "Esme", "Harriet",
    "Eleanor", "Holly", "Megan", "Niamh", "Siobhán", "Cerys", "Seren", "Ffion",
    "Eilidh", "Katie", "Molly", "Hannah", "Scarlett", "Lucy", "Elizabeth",
    "Katherine", "Georgia", "Bonnie", "Orla", "Zoë", "Aoife", "Nevaeh",
]  # fmt: skip
BOYS_NAMES = [
    "Noah", "Oliver", "George", "Leo", "Arthur", "Oscar", "Theodore",
    "Freddie", "Harry", "Jack", "Charlie", "Finley", "Archie", "Henry",
    "Thomas", "Alfie", "Tommy", "Jacob", "Joshua", "William", "James",
    "Edward", "Alexander", "Samuel", "Benjamin", "Reggie", "Jude", "Teddy",
    "Albie", "Ronnie", "Louie", "Max", "Lucas", "Isaac", "Elijah", "Ethan",
    "Daniel", "Joseph", "Dylan", "Rhys", "Owen", "Callum", "Cian", "Rory",
    "Euan", "Harrison", "Matthew", "Toby", "Riley", "Mason", "Kai", "Reuben",
    "Frankie", "Hugo", "Ezra", "Sebastian", "Nathan", "Tyler", "Jayden",
]  # fmt: skip
WORLD_GIRLS_NAMES = [
    "Aisha", "Amira", "Fatima", "Maryam", "Zainab", "Hafsa", "Inaya", "Anaya",
    "Aaliyah", "Priya", "Simran", "Ananya", "Zofia", "Maja", "Lena", "Oliwia",
    "Zuzanna", "Ioana", "Maria", "Sara", "Elif", "Zeynep", "Adaeze", "Chiamaka",
    "Amara", "Ifeoluwa", "Abena", "Hodan", "Mei", "Xinyi", "Yasmin", "Layla",
    "Nour", "Hana", "Beatriz", "Inês", "Giulia", "Chioma", "Ayesha", "Esra",
]  # fmt: skip
WORLD_BOYS_NAMES = [
    "Muhammad", "Mohammed", "Yusuf", "Ibrahim", "Omar", "Ali", "Hamza", "Ayaan",
    "Zayn", "Arjun", "Aarav", "Rohan", "Jakub", "Szymon", "Filip", "Antoni",
    "Mateusz", "Andrei", "Luca", "Matei", "Emre", "Kerem", "Chinedu", "Tobi",
    "Kwame", "Kofi", "Abdi", "Mahad", "Hao", "Jun", "Tiago", "João", "Mateo",
    "Marco", "Dawit", "Samir", "Idris", "Bilal", "Adam", "Eren",
]  # fmt: skip
SURNAMES = [
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans",
    "Wilson", "Thomas", "Johnson", "Roberts", "Robinson", "Thompson", "Wright",
    "Walker", "White", "Edwards", "Hughes", "Green", "Hall", "Lewis", "Harris",
    "Clarke", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill", "Ward",
    "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison", "Morgan",
    "Allen", "James", "Scott", "Phillips", "Watson", "Parker", "Price",
    "Bennett", "Young", "Griffiths", "Mitchell", "Kelly", "Cook", "Carter",
    "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller",
    "Cox", "Marshall", "Anderson", "Simpson", "Ellis", "Adams", "Wilkinson",
    "Foster", "Chapman", "Powell", "Webb", "Rogers", "Gray", "Mason", "Hunt",
    "Campbell", "Matthews", "Owen", "Palmer", "Holmes", "Mills", "Barnes",
    "Knight", "Lloyd", "Butler", "Russell", "Fisher", "Stevens", "Jenkins",
    "Murray", "Dixon", "Harvey", "Graham", "Pearson", "Fletcher", "Walsh",
    "Gibson", "Howard", "Stewart", "Elliott", "Reynolds", "Payne", "Fox",
    "Pearce", "Brooks", "Lawrence", "Atkinson", "Spencer", "Dawson", "Burton",
    "O'Brien", "Rose", "Booth", "Ryan", "Grant", "Armstrong", "Francis", "Rees",
    "Hart", "Hudson", "Newman", "Webster", "Hunter", "Marsh", "Riley", "Dunn",
    "Pritchard", "Llewellyn", "Fraser", "MacDonald", "Doyle", "Byrne",
    "O'Connor", "McCarthy", "Henderson", "Reid", "Gordon", "Forbes",
]  # fmt: skip
WORLD_SURNAMES = [
    "Khan", "Ahmed", "Hussain", "Ali", "Patel", "Begum", "Islam", "Rahman",
    "Singh", "Kaur", "Shah", "Sharma", "Chowdhury", "Miah", "Mahmood", "Iqbal",
    "Akhtar", "Hassan", "Ibrahim", "Nowak", "Mazur", "Krawczyk", "Popescu",
    "Ionescu", "Okafor", "Adeyemi", "Mensah", "Osei", "Nwosu", "Abdi",
    "Warsame", "Mohamed", "Yilmaz", "Demir", "Chen", "Wang", "Li", "Nguyen",
    "Silva", "Santos", "Ferreira", "Rossi", "Kaya", "Haddad", "Kamara",
    "Asante", "Boateng", "Owusu", "Gill", "Sandhu",
]  # fmt: skip
WORLD_NAME_SHARE = {True: 0.8, False: 0.12}  # by EAL: family names from further away
MIXED_NAMES_SHARE = 0.15  # a first name from the other list than the family name
ADULT_WOMENS_NAMES = [
    "Sarah", "Claire", "Emma", "Rachel", "Helen", "Laura", "Gemma", "Amy",
    "Nicola", "Rebecca", "Joanne", "Kelly", "Lisa", "Victoria", "Hannah",
    "Jennifer", "Sophie", "Charlotte", "Lauren", "Priya", "Nadia", "Agnieszka",
    "Funmi", "Ruth", "Kate", "Jo", "Natalie", "Zara", "Bethan", "Fiona",
]  # fmt: skip
ADULT_MENS_NAMES = [
    "David", "James", "Mark", "Paul", "Daniel", "Matthew", "Andrew", "Richard",
    "Chris", "Tom", "Ben", "Imran", "Tariq", "Sanjay", "Kwame", "Gareth",
    "Stuart", "Neil", "Adam", "Jamie",
]  # fmt: skip
SHORT_NAMES = {
    "Alexander": "Alex", "Benjamin": "Ben", "Samuel": "Sam", "Thomas": "Tom",
    "William": "Will", "Joshua": "Josh", "Matthew": "Matt", "Theodore": "Theo",
    "Edward": "Ted", "Daniel": "Dan", "Frankie": "Frank", "Sebastian": "Seb",
    "Elizabeth": "Lizzie", "Katherine": "Kate", "Isabella": "Bella",
    "Jessica": "Jess", "Florence": "Flo", "Eleanor": "Ellie", "Matilda": "Tilly",
    "Charlotte": "Lottie", "Harriet": "Hattie", "Ifeoluwa": "Ife",
    "Mohammed": "Mo", "Zuzanna": "Zuzia", "Chiamaka": "Chi", "Mateusz": "Mati",
}  # fmt: skip

# --- Notes teachers leave on about a third of changes: synthetic, never real ---

NOTE_TOPICS = {
    "Reading": ["phonics", "fluency", "inference", "retrieval", "vocabulary"],
    "Writing": ["sentence punctuation", "paragraphing", "handwriting",
                "spelling", "editing"],
    "Maths": ["place value", "times tables", "fractions", "column methods",
              "reasoning"],
    "Science": ["working scientifically", "key vocabulary", "fair tests"],
    "Languages": ["vocabulary recall", "speaking", "sentence building"],
    "PE": ["ball skills", "gymnastics sequences", "swimming"],
    "Music": ["rhythm", "notation", "singing in parts"],
}  # fmt: skip
OTHER_TOPICS = ["recall of key knowledge", "key vocabulary", "the unit's big ideas"]
NOTE_TEMPLATES = {
    "below": [
        "Gaps in {topic}; in-class intervention",
        "Not yet secure with {topic}; pre-teaching before the next unit",
        "Struggled with {topic} in independent work; small-group support",
        "Quiz showed gaps in {topic}; same-day catch-up",
    ],
    "still_below": [
        "Still gaps in {topic}; intervention continues",
        "Some progress in {topic}, not yet secure; keep support",
    ],
    "above": [
        "Secure and fluent with {topic}; extra challenge set",
        "Applies {topic} independently; greater-depth tasks",
        "Exceeds expectations in {topic}; extension work",
    ],
    "recovered": [
        "Gaps in {topic} closed after intervention",
        "Now secure with {topic}; intervention ended",
    ],
    "settled": [
        "Secure in {topic} but needs consolidation before more challenge",
    ],
}
KIND_STATUS = {
    "below": BELOW,
    "still_below": BELOW,
    "above": ABOVE,
    "recovered": ON,
    "settled": ON,
}

# --- The schools: Seabridge first, then invented places for a trust ---

PLACE_STARTS = [
    "Ash", "Bram", "Cold", "Dun", "Elm", "Fern", "Grey", "Hart", "Holly",
    "Kings", "Lark", "Mill", "Oak", "Pen", "Rook", "Saxon", "Thorn", "Wil",
    "Wren", "Yew",
]  # fmt: skip
PLACE_ENDS = ["brook", "field", "mere", "ley", "wood", "combe", "ford", "hill"]
SCHOOL_KINDS = {
    "Primary School": 0.6,
    "Church of England Primary School": 0.15,
    "Community Primary School": 0.12,
    "Primary Academy": 0.13,
}
LA_CODES = [938, 936, 850, 845, 886]
SEABRIDGE_ESTABLISHMENT = 2051
# Classes per year group for schools 2, 3, 4...: a fixed mix, so that a trust of
# any size averages about two forms (420 pupils) a school.
FORMS_CYCLE = [2, 3, 1, 2, 2, 3, 1, 2, 3, 2]
FORM_LETTERS = "ABC"
MAX_SCHOOLS = len(PLACE_STARTS) * len(PLACE_ENDS) + 1

# --- Past years: who was in the school then, and how their statuses went ---

DEMO_YEARS = 3  # this academic year and the two before it
MAX_DEMO_YEARS = 8
PAST_YEARS_STREAM = 1  # the past years draw from a stream of their own
MOVER_SHARE = 0.03  # of the roll, each past year: left during the year
SEN_IDENTIFIED_PER_YEAR = 0.15  # of pupils with SEN support: not yet on it a year back
CAME_OFF_SEN_SHARE = 0.03  # of pupils with no SEND now: on SEN support in the past
ABILITY_DRIFT_PER_YEAR = 0.3  # in standard deviations: pupils' attainment moves
SCHOOL_TREND_PER_YEAR = (0.006, 0.008)  # mean, spread: Below falls a little a year


@dataclass(frozen=True)
class SchoolProfile:
    """What makes one demo school itself: its size, its intake and what stands out."""

    name: str
    email_domain: str
    la_code: int
    establishment_number: int
    forms: int
    fsm_share: float
    pp_share: float
    eal_share: float
    send_factor: float  # multiplies the national SEND shares
    strong_subject: str  # more Above
    weak_subject: str  # more Below
    standouts: tuple[tuple[str, str, float], ...]  # class, subject, shift

    @property
    def below_share(self) -> float:
        tilt = 0.15 * (self.fsm_share - FSM_SHARE) + 0.05 * (self.send_factor - 1)
        return float(np.clip(BELOW_SHARE + tilt, 0.12, 0.18))

    @property
    def above_share(self) -> float:
        tilt = -0.08 * (self.fsm_share - FSM_SHARE)
        return float(np.clip(ABOVE_SHARE + tilt, 0.08, 0.12))


SEABRIDGE = SchoolProfile(
    name="Seabridge Primary School",
    email_domain="seabridge.example.org",
    la_code=LA_CODES[0],
    establishment_number=SEABRIDGE_ESTABLISHMENT,
    forms=2,
    fsm_share=FSM_SHARE,
    pp_share=FSM_SHARE + PP_BEYOND_FSM_SHARE,
    eal_share=EAL_SHARE,
    send_factor=1.0,
    strong_subject="Science",
    weak_subject="Computing",
    standouts=(("4B", "Writing", -1.4), ("6A", "Maths", 0.5)),
)


@dataclass(frozen=True)
class SchoolSetUp:
    """A demo school's ids and calendar, for the steps that fill it."""

    school_id: int
    academic_year: str
    half_terms: list[HalfTerm]
    tracking_start: date
    classes: pd.DataFrame  # class_id, class_name, year_group, teacher_id
    subjects: pd.DataFrame  # subject_id, subject, year_group: one row per year
    leaders: dict[str, list[int]]  # role: staff ids


def build_demo(
    store: Store,
    schools: int = 1,
    seed: int = 2026,
    today: date | None = None,
    progress: Progress | None = None,
    years: int = DEMO_YEARS,
) -> list[int]:
    """Fill an empty store with a trust of `schools` primaries; returns their ids.

    Each school has `years` academic years: this one so far, and the ones
    before it whole, with all six of their half-term snapshots.
    """
    if not 1 <= schools <= MAX_SCHOOLS:
        raise LiveTrackError(
            f"A demo trust has 1 to {MAX_SCHOOLS} schools; {schools} was asked for."
        )
    if not 1 <= years <= MAX_DEMO_YEARS:
        raise LiveTrackError(
            f"A demo has 1 to {MAX_DEMO_YEARS} academic years of history; "
            f"{years} was asked for."
        )
    if store.value("select count(*) from schools"):
        raise LiveTrackError(
            "The demo is built only into an empty database, and this one already "
            "holds schools. Choose another data folder for the demo."
        )
    today = today or date.today()
    progress = progress or silent
    profiles = _trust_profiles(schools, seed)
    with store.transaction() as cursor:
        _add_person(cursor, None, *TRUST_LEADER_NAME, TRUST_LEADER)

    school_ids = []
    for number, profile in enumerate(profiles, start=1):
        rng = np.random.default_rng([seed, number])
        tell = _school_progress(progress, number, schools, profile.name)
        streams = (rng, np.random.default_rng([seed, number, PAST_YEARS_STREAM]))
        school_ids.append(_build_school(store, profile, streams, today, tell, years))
    progress(1.0, f"Demo ready: {schools} school(s)")
    return school_ids


def _trust_profiles(schools: int, seed: int) -> list[SchoolProfile]:
    """Seabridge, then schools of other sizes and characters, each named once."""
    rng = np.random.default_rng([seed, 0])
    places = [start + end for start in PLACE_STARTS for end in PLACE_ENDS]
    places = rng.permutation(places)
    numbers = rng.permutation(np.arange(2001, 4000))
    numbers = numbers[numbers != SEABRIDGE_ESTABLISHMENT]
    others = [
        _school_profile(
            np.random.default_rng([seed, number, 0]), number, place, int(est)
        )
        for number, place, est in zip(range(2, schools + 1), places, numbers)
    ]
    return [SEABRIDGE, *others]


def _school_profile(rng, number: int, place: str, establishment: int) -> SchoolProfile:
    fsm = float(np.clip(rng.normal(FSM_SHARE, 0.1), 0.05, 0.55))
    optional = [subject for subject, _ in SUBJECTS if subject not in CORE_SUBJECTS]
    strong, weak = rng.choice(optional, size=2, replace=False)
    return SchoolProfile(
        name=f"{place} {_pick(rng, SCHOOL_KINDS)}",
        email_domain=f"{place.lower()}.example.org",
        la_code=int(rng.choice(LA_CODES)),
        establishment_number=establishment,
        forms=FORMS_CYCLE[(number - 2) % len(FORMS_CYCLE)],
        fsm_share=fsm,
        pp_share=fsm + float(rng.uniform(0.01, 0.04)),
        eal_share=float(np.clip(rng.lognormal(np.log(0.15), 0.8), 0.02, 0.7)),
        send_factor=float(rng.uniform(0.75, 1.3)),
        strong_subject=str(strong),
        weak_subject=str(weak),
        standouts=_standouts(rng),
    )


def _standouts(rng) -> tuple[tuple[str, str, float], ...]:
    """One class behind in a core subject and one ahead in another, both form A."""
    weak_year, strong_year = rng.choice(KS1_AND_KS2, size=2, replace=False)
    weak_subject, strong_subject = rng.choice(CORE_SUBJECTS, size=2, replace=False)
    return (
        (f"{weak_year}A", str(weak_subject), -1.0),
        (f"{strong_year}A", str(strong_subject), 0.5),
    )


def _pick(rng, weights: dict):
    """One key of a {choice: weight} table, drawn by weight."""
    keys = list(weights)
    chances = np.array(list(weights.values()), dtype=float)
    return keys[rng.choice(len(keys), p=chances / chances.sum())]


def _school_progress(progress: Progress, number: int, schools: int, name: str):
    """A teller for one school's steps, as a share of the whole trust's build."""
    steps = [
        "set-up", "pupils", "attendance", "behaviour", "statuses", "interventions",
        "past years", "snapshots",
    ]  # fmt: skip

    def tell(step: str) -> None:
        done = (number - 1 + steps.index(step) / len(steps)) / schools
        progress(done, f"{name}: {step}")

    return tell


def _build_school(
    store: Store, profile: SchoolProfile, streams: tuple, today: date, tell, years: int
) -> int:
    """One demo school, its years of history and this year so far; returns its id.

    This year is drawn from the school's own stream first, so that it is the
    same however many past years are asked for; the past years come from a
    stream of their own.
    """
    started = time.perf_counter()
    rng, past_rng = streams
    with store.transaction() as cursor:
        tell("set-up")
        set_up = _set_up_school(cursor, profile, rng, academic_year_of(today))
        pupils, changes = _fill_school(cursor, profile, set_up, rng, today, tell)
        tell("interventions")
        _plan_interventions(cursor, set_up, rng, today)
    tell("past years")
    past_changes = _build_past_years(store, profile, set_up, pupils, past_rng, years)
    tell("snapshots")
    for half_term in set_up.half_terms:
        if half_term.ends_on < today:
            take_snapshot(store, set_up.school_id, half_term, as_at=end_of(half_term))
    log.info(
        "built demo school %d: %d pupils, %d status changes (%d in %d past years)"
        " in %.1f s",
        set_up.school_id, len(pupils), changes + past_changes, past_changes,
        years - 1, time.perf_counter() - started,
    )  # fmt: skip
    return set_up.school_id


def _fill_school(cursor, profile, set_up: SchoolSetUp, rng, today, tell):
    """Pupils, attendance, behaviour and the status log, up to today.

    Returns the pupils (with their ids and hidden traits) and the number of
    status changes.
    """
    tell("pupils")
    pupils = _make_pupils(rng, profile, set_up, today)
    pupil_ids = insert_pupils(cursor, pupils)
    pupils["pupil_id"] = pupils["upn"].map(pupil_ids).astype("int64")

    tell("attendance")
    insert_attendance(cursor, _make_attendance(rng, pupils, set_up, today))
    tell("behaviour")
    insert_incidents(cursor, _make_incidents(rng, pupils, set_up, today))
    tell("statuses")
    pupils["ability"] = _ability(rng, pupils)
    history = _make_status_history(rng, pupils, profile, set_up, today)
    insert_status_history(cursor, history)
    return pupils, len(history)


# --- Set-up: the school, its calendar, classes, subjects and staff ---


def _set_up_school(
    cursor: duckdb.DuckDBPyConnection, profile: SchoolProfile, rng, academic_year: str
) -> SchoolSetUp:
    school_id = create_school(
        cursor,
        profile.name,
        profile.la_code,
        profile.establishment_number,
        is_demo=True,
    )
    half_terms = default_half_terms(academic_year)
    tracking_start = default_tracking_start(academic_year)
    save_academic_year(cursor, school_id, academic_year, tracking_start, half_terms)
    classes = _add_classes(cursor, school_id, profile.forms)
    subjects = _add_subjects(cursor, school_id)
    leaders = _add_staff(cursor, rng, school_id, profile, classes)
    _add_areas(cursor, school_id, profile, leaders, subjects)
    return SchoolSetUp(
        school_id, academic_year, half_terms, tracking_start, classes, subjects, leaders
    )


def _add_classes(cursor, school_id: int, forms: int) -> pd.DataFrame:
    """Classes named by year and form: RA, RB, 1A, 1B... 6B."""
    rows = []
    for year_group in ALL_YEARS:
        for letter in FORM_LETTERS[:forms]:
            name = f"{'R' if year_group == 0 else year_group}{letter}"
            class_id = ensure_class(cursor, school_id, name, year_group)
            rows.append((class_id, name, year_group))
    return pd.DataFrame(rows, columns=["class_id", "class_name", "year_group"])


def _add_subjects(cursor, school_id: int) -> pd.DataFrame:
    rows = []
    for position, (name, year_groups) in enumerate(SUBJECTS, start=1):
        subject_id = add_subject(cursor, school_id, name, position, year_groups)
        rows += [(subject_id, name, year_group) for year_group in year_groups]
    return pd.DataFrame(rows, columns=["subject_id", "subject", "year_group"])


def _add_staff(cursor, rng, school_id, profile, classes) -> dict[str, list[int]]:
    """A teacher per class, the leadership team and the school office.

    Adds each class's teacher to `classes` as `teacher_id`.
    """
    names = _staff_names(rng, len(classes) + len(LEADERSHIP_ROLES))
    classes["teacher_id"] = [
        _add_person(cursor, school_id, name, profile.email_domain, TEACHER, [class_id])
        for name, class_id in zip(names, classes["class_id"])
    ]
    leaders = {TEACHER: classes["teacher_id"].tolist()}
    for name, role in zip(names[len(classes) :], LEADERSHIP_ROLES):
        staff_id = _add_person(cursor, school_id, name, profile.email_domain, role)
        leaders.setdefault(role, []).append(staff_id)
    ensure_office_account(cursor, school_id)
    return leaders


def _add_areas(cursor, school_id, profile, leaders, subjects) -> None:
    """The subject leads' subjects, a KS2 phase lead and a governor."""
    subject_ids = subjects.drop_duplicates("subject").set_index("subject")["subject_id"]
    for staff_id, area in zip(leaders[SUBJECT_LEAD], SUBJECT_LEAD_AREAS):
        write_area(cursor, staff_id, {"subjects": subject_ids[area].tolist()})
    names = _staff_names(np.random.default_rng([school_id, 99]), len(OTHER_ROLES))
    for name, role in zip(names, OTHER_ROLES):
        staff_id = _add_person(cursor, school_id, name, profile.email_domain, role)
        leaders[role] = [staff_id]
    write_area(cursor, leaders[PHASE_LEAD][0], {"year_groups": PHASE_LEAD_YEAR_GROUPS})


def _add_person(cursor, school_id, name, domain, role, class_ids=()) -> int:
    return add_staff(cursor, school_id, name, _email(name, domain), role, class_ids)


def _email(name: str, domain: str) -> str:
    """first.last@domain, in plain ASCII: synthetic addresses that reach nobody."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    local = ".".join(part.replace("'", "") for part in plain.lower().split())
    return f"{local}@{domain}"


def _staff_names(rng, count: int) -> list[str]:
    """Distinct adult names, most of them women's as in primary staffrooms."""
    female = rng.random(count) < FEMALE_TEACHER_SHARE
    surnames = rng.choice(SURNAMES + WORLD_SURNAMES, size=count, replace=False)
    women = rng.choice(ADULT_WOMENS_NAMES, size=count)
    men = rng.choice(ADULT_MENS_NAMES, size=count)
    return [
        f"{woman if is_female else man} {surname}"
        for woman, man, surname, is_female in zip(women, men, surnames, female)
    ]


# --- Pupils ---


def _make_pupils(
    rng, profile: SchoolProfile, set_up: SchoolSetUp, today
) -> pd.DataFrame:
    """The school's roll: PUPIL_COLUMNS, plus the hidden traits the later steps use."""
    return _describe_pupils(
        rng, _seat_pupils(rng, set_up.classes), profile, set_up, today
    )


def _describe_pupils(
    rng, pupils: pd.DataFrame, profile: SchoolProfile, set_up: SchoolSetUp, today
) -> pd.DataFrame:
    """Pupils seated in classes, given everything else a roster and the model need."""
    pupils["school_id"] = set_up.school_id
    pupils["sex"] = np.where(rng.random(len(pupils)) < GIRLS_SHARE, "F", "M")
    pupils["disadvantage"] = rng.normal(size=len(pupils))  # hidden: links FSM, SEND
    pupils = _add_disadvantage(rng, pupils, profile)
    pupils = _add_send(rng, pupils, profile.send_factor)
    eal_weight = 0.3 * pupils["disadvantage"].to_numpy()
    pupils["eal"] = _choose(rng, round(len(pupils) * profile.eal_share), eal_weight)
    pupils = _add_names(rng, pupils)

    first_year = first_calendar_year(set_up.academic_year)
    pupils["date_of_birth"] = _birth_dates(rng, pupils["year_group"], first_year)
    pupils["upn"] = _upns(rng, pupils["year_group"], profile, first_year)
    pupils["joined_on"] = _joined_on(rng, pupils["year_group"], set_up, today)
    pupils["left_on"] = None
    pupils["usual_absence"] = _usual_absence(rng, pupils)
    return pupils


def _seat_pupils(rng, classes: pd.DataFrame) -> pd.DataFrame:
    """One row per pupil, in their class: 28 to 31 to a class."""
    sizes = [_pick(rng, CLASS_SIZE_WEIGHTS) for _ in range(len(classes))]
    seats = classes.loc[classes.index.repeat(sizes)].reset_index(drop=True)
    return seats[["class_id", "class_name", "year_group"]].copy()


def _choose(rng, count: int, log_weight) -> np.ndarray:
    """Exactly `count` pupils without replacement, likelier where log_weight is higher.

    Adding Gumbel noise and taking the top `count` draws in proportion to
    exp(log_weight); -inf never draws.
    """
    keys = np.asarray(log_weight, dtype=float) + rng.gumbel(size=len(log_weight))
    count = min(count, int(np.isfinite(keys).sum()))
    chosen = np.zeros(len(keys), dtype=bool)
    chosen[np.argsort(-keys, kind="stable")[:count]] = True
    return chosen


def _add_disadvantage(rng, pupils, profile: SchoolProfile) -> pd.DataFrame:
    """FSM for the most disadvantaged; PP for all of them, some others and the CLA."""
    n, disadvantage = len(pupils), pupils["disadvantage"].to_numpy()
    fsm = _choose(rng, round(n * profile.fsm_share), 1.5 * disadvantage)
    extra = round(n * (profile.pp_share - profile.fsm_share))
    ever_6 = _choose(rng, extra, np.where(fsm, -np.inf, disadvantage))
    looked_after = _choose(rng, round(n * LOOKED_AFTER_SHARE), disadvantage)
    return pupils.assign(
        fsm=fsm, pupil_premium=fsm | ever_6 | looked_after, looked_after=looked_after
    )


def _add_send(rng, pupils, send_factor: float) -> pd.DataFrame:
    """SEN support and EHC plans in national shares, boys over-represented."""
    send = np.full(len(pupils), "N", dtype=object)
    _give_provision(rng, pupils, send, "E", EHC_PLAN_SHARE * send_factor)
    _give_provision(rng, pupils, send, "K", SEN_SUPPORT_SHARE * send_factor)
    return pupils.assign(send=send, primary_need=_primary_needs(rng, send))


def _give_provision(rng, pupils, send: np.ndarray, code: str, share: float) -> None:
    """Mark `share` of pupils with a provision, boys and girls in national shares."""
    total = round(len(pupils) * share)
    boys_share = BOYS_SHARE[code]
    tilt = 0.6 * pupils["disadvantage"].to_numpy()  # SEND is commoner with FSM
    for sex, part in (("M", boys_share), ("F", 1 - boys_share)):
        open_to = (pupils["sex"].to_numpy() == sex) & (send == "N")
        send[_choose(rng, round(total * part), np.where(open_to, tilt, -np.inf))] = code


def _primary_needs(rng, send: np.ndarray) -> np.ndarray:
    needs = np.full(len(send), None, dtype=object)
    for code, weights in (("K", SEN_SUPPORT_NEEDS), ("E", EHC_PLAN_NEEDS)):
        chances = np.array(list(weights.values()), dtype=float)
        found = send == code
        needs[found] = rng.choice(
            list(weights), size=found.sum(), p=chances / chances.sum()
        )
    return needs


def _add_names(rng, pupils: pd.DataFrame) -> pd.DataFrame:
    """Legal names, with families from further afield likelier among EAL pupils."""
    n = len(pupils)
    world = rng.random(n) < np.where(pupils["eal"], *WORLD_NAME_SHARE.values())
    mixed = rng.random(n) < MIXED_NAMES_SHARE
    first = _first_names(rng, pupils["sex"].to_numpy() == "F", world ^ mixed)
    last = np.where(world, rng.choice(WORLD_SURNAMES, n), rng.choice(SURNAMES, n))
    short = pd.Series(first).map(SHORT_NAMES)
    preferred = short.where(rng.random(n) < PREFERRED_NAME_SHARE)
    return pupils.assign(
        legal_first_name=first,
        legal_last_name=last,
        preferred_first_name=preferred.to_numpy(),
    )


def _first_names(rng, girls: np.ndarray, world: np.ndarray) -> np.ndarray:
    n = len(girls)
    girls_names = np.where(
        world, rng.choice(WORLD_GIRLS_NAMES, n), rng.choice(GIRLS_NAMES, n)
    )
    boys_names = np.where(
        world, rng.choice(WORLD_BOYS_NAMES, n), rng.choice(BOYS_NAMES, n)
    )
    return np.where(girls, girls_names, boys_names)


def _birth_dates(rng, year_groups: pd.Series, first_year: int) -> np.ndarray:
    """Born 1 September to 31 August of the right year for the year group."""
    born_from = first_year - year_groups.to_numpy() - 5
    starts = np.array([f"{year}-09-01" for year in born_from], dtype="datetime64[D]")
    ends = np.array([f"{year + 1}-09-01" for year in born_from], dtype="datetime64[D]")
    offsets = rng.random(len(starts)) * (ends - starts).astype(int)
    return starts + offsets.astype("timedelta64[D]")


def _upns(rng, year_groups: pd.Series, profile: SchoolProfile, first_year: int) -> list:
    """Valid UPNs, issued when each pupil started nursery or Reception."""
    issued = (
        first_year
        - year_groups.to_numpy()
        - (rng.random(len(year_groups)) < NURSERY_UPN_SHARE)
    )
    serials = rng.choice(np.arange(1, 1000), size=len(year_groups), replace=False)
    return [
        make_upn(profile.la_code, profile.establishment_number, int(year), int(serial))
        for year, serial in zip(issued, serials)
    ]


def _joined_on(rng, year_groups: pd.Series, set_up: SchoolSetUp, today: date):
    """The first day of Reception mostly; some later in school, a few this year."""
    first_year = first_calendar_year(set_up.academic_year)
    years = year_groups.to_numpy()
    joined = np.array(
        [_first_day_of_year(first_year - year) for year in years], dtype="datetime64[D]"
    )
    later = (years > 0) & (rng.random(len(years)) < EARLIER_JOINER_SHARE)
    this_year_start = np.datetime64(set_up.half_terms[0].starts_on)
    joined[later] = _day_between(rng, joined[later], this_year_start)

    # Joiners this year come after the first week, and never after today.
    days = _school_days(set_up.half_terms, set_up.half_terms[0].starts_on, today)[5:]
    if len(days):
        this_year = rng.random(len(years)) < THIS_YEAR_JOINER_SHARE
        joined[this_year] = rng.choice(days, size=this_year.sum())
    return joined


def _day_between(rng, firsts: np.ndarray, stop: np.datetime64) -> np.ndarray:
    """A weekday on or after each of `firsts`, and before `stop`."""
    spans = (stop - firsts).astype(int)
    offsets = (rng.random(len(firsts)) * spans).astype("timedelta64[D]")
    return np.busday_offset(firsts + offsets, 0, roll="forward")


def _first_day_of_year(first_year: int) -> date:
    return default_half_terms(academic_year_of(date(first_year, 9, 1)))[0].starts_on


def _usual_absence(rng, pupils: pd.DataFrame) -> np.ndarray:
    """Each pupil's usual share of sessions missed, kept from half-term to half-term."""
    send = pupils["send"].to_numpy()
    factor = np.where(pupils["fsm"], FSM_ABSENCE_FACTOR, 1.0) * np.select(
        [send == "E", send == "K"],
        [EHC_PLAN_ABSENCE_FACTOR, SEN_SUPPORT_ABSENCE_FACTOR],
        1.0,
    )
    spread = rng.gamma(ABSENCE_SPREAD_SHAPE, 1 / ABSENCE_SPREAD_SHAPE, len(pupils))
    usual = USUAL_ABSENCE_SHARE * factor * spread
    severe = _choose(rng, round(len(pupils) * SEVERE_ABSENCE_SHARE), np.log(factor))
    usual[severe] = rng.uniform(*SEVERE_ABSENCE_RANGE, severe.sum())
    return np.clip(usual, 0.0, 0.9)


# --- Calendar arithmetic ---


def _bank_holidays(academic_year: str) -> list[np.datetime64]:
    """Bank holidays that fall in term time: the early May one."""
    may_day = np.busday_offset(
        f"{first_calendar_year(academic_year) + 1}-05-01",
        0,
        roll="forward",
        weekmask="Mon",
    )
    return [may_day]


def _school_days(half_terms: list[HalfTerm], first: date, last: date) -> np.ndarray:
    """The school days from `first` to `last`, both included, in term time."""
    holidays = _bank_holidays(half_terms[0].academic_year)
    spans = [
        np.arange(
            max(h.starts_on, first),
            min(h.ends_on, last) + timedelta(days=1),
            dtype="datetime64[D]",
        )
        for h in half_terms
    ]
    days = np.concatenate(spans) if spans else np.array([], dtype="datetime64[D]")
    return days[np.is_busday(days, holidays=holidays)]


def _days(values) -> np.ndarray:
    return np.asarray(values).astype("datetime64[D]")


# --- Attendance ---


def _make_attendance(rng, pupils, set_up: SchoolSetUp, today: date) -> pd.DataFrame:
    """One row per pupil per half-term so far: sessions possible, attended, missed."""
    unauthorised_share = _unauthorised_shares(rng, pupils)
    holidays = _bank_holidays(set_up.academic_year)
    frames = [
        _half_term_attendance(
            rng, pupils, unauthorised_share, half_term, today, holidays
        )
        for half_term in set_up.half_terms
        if half_term.starts_on <= today
    ]
    if not frames:
        return pd.DataFrame(columns=ATTENDANCE_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def _unauthorised_shares(rng, pupils) -> np.ndarray:
    """Each pupil's usual share of absence left unauthorised: higher with FSM."""
    mean = np.where(pupils["fsm"], *UNAUTHORISED_SHARE_OF_ABSENCE.values())
    concentration = UNAUTHORISED_SHARE_SPREAD
    return rng.beta(mean * concentration, (1 - mean) * concentration)


def _half_term_attendance(
    rng, pupils, unauthorised_share, half_term: HalfTerm, today: date, holidays
) -> pd.DataFrame:
    starts = np.maximum(_days(pupils["joined_on"]), np.datetime64(half_term.starts_on))
    ends = np.datetime64(min(half_term.ends_on, today)) + 1
    possible = 2 * np.maximum(np.busday_count(starts, ends, holidays=holidays), 0)
    this_half_term = rng.gamma(
        HALF_TERM_SPREAD_SHAPE, 1 / HALF_TERM_SPREAD_SHAPE, len(pupils)
    )
    chance = np.clip(pupils["usual_absence"].to_numpy() * this_half_term, 0.0, 1.0)
    missed = rng.binomial(possible, chance)
    unauthorised = rng.binomial(missed, unauthorised_share)
    attendance = pd.DataFrame(
        {
            "pupil_id": pupils["pupil_id"],
            "starts_on": starts,
            "ends_on": ends - 1,
            "sessions_possible": possible,
            "sessions_attended": possible - missed,
            "sessions_authorised": missed - unauthorised,
            "sessions_unauthorised": unauthorised,
        }
    )
    return attendance[possible > 0]


# --- Behaviour ---


def _make_incidents(rng, pupils, set_up: SchoolSetUp, today: date) -> pd.DataFrame:
    """Incidents so far this year: many positive; a few pupils have most negative."""
    days = _school_days(set_up.half_terms, set_up.half_terms[0].starts_on, today)
    first = np.searchsorted(days, _days(pupils["joined_on"]))
    terms = (len(days) - first) / SCHOOL_DAYS_PER_TERM
    negative = _negative_per_term(rng, pupils) * terms
    positive = _positive_per_term(rng, pupils) * terms
    return pd.concat(
        [
            _incidents(rng, pupils, days, first, negative, NEGATIVE_CATEGORIES),
            _incidents(rng, pupils, days, first, positive, POSITIVE_CATEGORIES),
        ],
        ignore_index=True,
    )


def _negative_per_term(rng, pupils) -> np.ndarray:
    """Most pupils 0-2 a term; about 5%, mostly boys and SEMH, far more."""
    risk = (
        0.7 * (pupils["sex"] == "M")
        + 1.5 * (pupils["primary_need"] == "SEMH")
        + 0.5 * pupils["pupil_premium"]
        + 0.5 * (pupils["send"] != "N")
    ).to_numpy(dtype=float)
    frequent = _choose(rng, round(len(pupils) * FREQUENT_INCIDENT_PUPIL_SHARE), risk)
    usual = (
        NEGATIVE_INCIDENTS_PER_TERM
        * np.exp(0.3 * risk)
        * rng.gamma(0.7, 1 / 0.7, len(pupils))
    )
    many = FREQUENT_NEGATIVE_INCIDENTS_PER_TERM * rng.gamma(3.0, 1 / 3.0, len(pupils))
    return np.where(frequent, many, usual)


def _positive_per_term(rng, pupils) -> np.ndarray:
    girls = (pupils["sex"] == "F").to_numpy()
    return (
        POSITIVE_INCIDENTS_PER_TERM
        * (1 + 0.15 * girls)
        * rng.gamma(3.0, 1 / 3.0, len(pupils))
    )


def _incidents(rng, pupils, days, first, expected, categories) -> pd.DataFrame:
    """Incidents of one kind on random school days since each pupil joined."""
    who = np.repeat(np.arange(len(pupils)), rng.poisson(expected))
    spans = (len(days) - first)[who]
    on = first[who] + (rng.random(len(who)) * spans).astype(int)
    names = list(categories)
    points, weights = (np.array(column) for column in zip(*categories.values()))
    picked = rng.choice(len(names), size=len(who), p=weights / weights.sum())
    return pd.DataFrame(
        {
            "pupil_id": pupils["pupil_id"].to_numpy()[who],
            "occurred_on": days[on],
            "kind": "negative" if points[0] < 0 else "positive",
            "category": np.array(names)[picked],
            "points": points[picked],
        }
    )[INCIDENT_COLUMNS]


# --- Live statuses and their history ---


def _make_status_history(
    rng, pupils, profile, set_up: SchoolSetUp, today, shares=None
) -> pd.DataFrame:
    """The status log since tracking started: the changes behind the live statuses.

    `pupils` carry their hidden `ability`; `shares` (Below, Above) default to
    the school's own.
    """
    cells = _status_cells(pupils, set_up)
    cells["attainment"] = _attainment(rng, cells, profile)
    below_share, above_share = shares or (profile.below_share, profile.above_share)
    cells = _live_statuses(cells, below_share, above_share)

    days, cumulative_weight = _change_days(set_up, today)
    changes = _plan_changes(rng, cells)
    changes = _date_changes(rng, changes, cells, days, cumulative_weight, set_up)
    return _history_rows(rng, changes, cells, days, set_up)


def _ability(rng, pupils) -> np.ndarray:
    """A pupil's hidden attainment across subjects, shaped by the national gaps."""
    return rng.normal(size=len(pupils)) + _ability_shift(pupils)


def _ability_shift(pupils) -> np.ndarray:
    """How far the national gaps move a pupil's attainment, for their year group."""
    send = pupils["send"].to_numpy()
    year_groups = pupils["year_group"].to_numpy()
    summer_born = pd.DatetimeIndex(pupils["date_of_birth"]).month.isin([4, 5, 6, 7, 8])
    absence_points = np.minimum(100 * pupils["usual_absence"].to_numpy(), 30.0)
    shift = (
        np.select(
            [send == "E", send == "K"],
            [EHC_PLAN_ABILITY_SHIFT, SEN_SUPPORT_ABILITY_SHIFT],
            0.0,
        )
        + PP_ABILITY_SHIFT * pupils["pupil_premium"].to_numpy()
        + ABILITY_SHIFT_PER_ABSENCE_POINT * (absence_points - 100 * USUAL_ABSENCE_SHARE)
        + SUMMER_BORN_ABILITY_SHIFT * (summer_born & (year_groups <= 2))
        + EAL_ABILITY_SHIFT * (pupils["eal"].to_numpy() & (year_groups <= 1))
    )
    return np.asarray(shift, dtype=float)


CELL_PUPIL_COLUMNS = [
    "pupil_id", "class_id", "class_name", "year_group", "send", "joined_on", "ability",
]  # fmt: skip


def _status_cells(pupils, set_up: SchoolSetUp) -> pd.DataFrame:
    """One row per pupil per subject tracked for their year group, with the teacher."""
    cells = pupils[CELL_PUPIL_COLUMNS].merge(set_up.subjects, on="year_group")
    teachers = set_up.classes[["class_id", "teacher_id"]]
    return cells.merge(teachers, on="class_id").reset_index(drop=True)


def _attainment(rng, cells, profile: SchoolProfile) -> np.ndarray:
    """How far each cell sits above or below the expected standard."""
    subject = cells["subject"].to_numpy()
    link = np.where(
        np.isin(subject, CORE_SUBJECTS), CORE_SUBJECT_LINK, OTHER_SUBJECT_LINK
    )
    own = rng.normal(size=len(cells))
    score = link * cells["ability"].to_numpy() + np.sqrt(1 - link**2) * own
    score += np.select(
        [subject == profile.strong_subject, subject == profile.weak_subject],
        [STRONG_SUBJECT_SHIFT, WEAK_SUBJECT_SHIFT],
        0.0,
    )
    score += _class_shifts(rng, cells, profile)
    return score * cells["year_group"].map(YEAR_GROUP_SPREAD).fillna(1.0).to_numpy()


def _class_shifts(rng, cells, profile: SchoolProfile) -> np.ndarray:
    """Each class a little ahead or behind in each subject; the standouts far more."""
    pairs = cells[["class_name", "subject"]].drop_duplicates().reset_index(drop=True)
    standouts = {(name, subject): shift for name, subject, shift in profile.standouts}
    pair_names = zip(pairs["class_name"], pairs["subject"])
    planned = [standouts.get(pair, 0.0) for pair in pair_names]
    pairs["shift"] = rng.normal(0.0, CLASS_SUBJECT_SPREAD, len(pairs)) + planned
    shifts = cells.merge(pairs, on=["class_name", "subject"], how="left")
    return shifts["shift"].to_numpy()


def _live_statuses(cells, below_share: float, above_share: float) -> pd.DataFrame:
    """Below and Above for the school's lowest and highest cells; the rest On."""
    attainment = cells["attainment"].to_numpy()
    below_cut = np.quantile(attainment, below_share)
    above_cut = np.quantile(attainment, 1 - above_share)
    return cells.assign(
        live=np.select(
            [attainment <= below_cut, attainment >= above_cut], [BELOW, ABOVE], ON
        ),
        to_below=attainment - below_cut,
        to_above=above_cut - attainment,
    )


def _plan_changes(rng, cells) -> pd.DataFrame:
    """Each change behind a cell: its kind, first or second, and if it came early.

    Live Below and Above cells changed once (some Below twice); some On cells
    near Below were Below until an intervention worked, and a few near Above
    were Above for a while.
    """
    n, live = len(cells), cells["live"].to_numpy()
    on, chance = live == ON, rng.random((3, n))
    recovered = on & (cells["to_below"] < RECOVERY_BAND) & (chance[0] < RECOVERED_SHARE)
    settled = on & (cells["to_above"] < SETTLED_BAND) & (chance[1] < SETTLED_SHARE)
    reconfirmed = (live == BELOW) & (chance[2] < RECONFIRMED_SHARE)

    was_below = (live == BELOW) | recovered
    early_share = np.select(
        [live == BELOW, recovered],
        [EARLY_BELOW_SHARE, EARLY_RECOVERED_SHARE],
        EARLY_ABOVE_SHARE,
    )
    first_kind = np.where(was_below, "below", np.where(live == ABOVE, "above", ""))
    first_kind[settled] = "above"
    second_kind = np.select(
        [recovered, settled, reconfirmed], ["recovered", "settled", "still_below"], ""
    )
    return pd.concat(
        [
            _changes(first_kind, rng.random(n) < early_share, order=0),
            _changes(second_kind, np.zeros(n, dtype=bool), order=1),
        ],
        ignore_index=True,
    )


def _changes(kinds: np.ndarray, early: np.ndarray, order: int) -> pd.DataFrame:
    cell = np.flatnonzero(kinds != "")
    return pd.DataFrame(
        {"cell": cell, "kind": kinds[cell], "early": early[cell], "order": order}
    )


def _change_days(set_up: SchoolSetUp, today: date) -> tuple[np.ndarray, np.ndarray]:
    """The school days a status could change on, and how likely each day is.

    From the start of tracking to yesterday, not today, so that no change lands
    later than the clock.
    """
    days = _school_days(
        set_up.half_terms, set_up.tracking_start, today - timedelta(days=1)
    )
    ends = np.array([h.ends_on for h in set_up.half_terms], dtype="datetime64[D]")
    to_end = np.busday_count(days, ends[np.searchsorted(ends, days)])
    weights = np.where(to_end < HALF_TERM_END_DAYS, HALF_TERM_END_WEIGHT, 1.0)
    return days, np.cumsum(weights)


def _date_changes(rng, changes, cells, days, cumulative_weight, set_up) -> pd.DataFrame:
    """A school day for each change, after the pupil joined, seconds a fortnight after.

    A change with no such day yet (a pupil who joined last week) is left out.
    """
    firsts = changes[changes["order"] == 0]
    firsts = firsts.assign(
        day=_first_days(rng, firsts, cells, days, cumulative_weight, set_up)
    )
    firsts = firsts[firsts["day"] >= 0]

    seconds = changes[changes["order"] == 1]
    after = seconds["cell"].map(firsts.set_index("cell")["day"])
    after += MIN_SCHOOL_DAYS_BETWEEN_CHANGES
    seconds = seconds[after.notna() & (after < len(days))]
    after = after[seconds.index].to_numpy(dtype=int)
    last = np.full(len(after), len(days) - 1)
    seconds = seconds.assign(day=_pick_days(rng, after, last, cumulative_weight))
    return pd.concat([firsts, seconds], ignore_index=True)


def _first_days(rng, firsts, cells, days, cumulative_weight, set_up) -> np.ndarray:
    """The day index of each first change, or -1 where the pupil joined too late."""
    joined = _days(cells["joined_on"])[firsts["cell"]]
    starts = np.maximum(joined, np.datetime64(set_up.tracking_start))
    earliest = np.searchsorted(days, starts)
    first_end = np.datetime64(set_up.half_terms[0].ends_on)
    early_end = np.searchsorted(days, first_end, side="right") - 1
    early = firsts["early"].to_numpy() & (earliest <= early_end)
    latest = np.where(early, early_end, len(days) - 1)
    picked = _pick_days(rng, earliest, latest, cumulative_weight)
    return np.where(earliest <= latest, picked, -1)


def _pick_days(rng, earliest, latest, cumulative_weight) -> np.ndarray:
    """A day index between earliest and latest for each change, drawn by day weight."""
    before = np.concatenate([[0.0], cumulative_weight])
    low = before[np.clip(earliest, 0, len(before) - 1)]
    high = before[np.clip(latest + 1, 0, len(before) - 1)]
    drawn = low + rng.random(len(earliest)) * (high - low)
    return np.searchsorted(cumulative_weight, drawn, side="right")


def _history_rows(rng, changes, cells, days, set_up: SchoolSetUp) -> pd.DataFrame:
    """The changes as rows of the status log (HISTORY_COLUMNS)."""
    changed = cells.iloc[changes["cell"].to_numpy()].reset_index(drop=True)
    kinds = changes["kind"].to_numpy()
    subjects = changed["subject"].to_numpy()
    return pd.DataFrame(
        {
            "pupil_id": changed["pupil_id"],
            "subject_id": changed["subject_id"],
            "academic_year": set_up.academic_year,
            "status": [KIND_STATUS[kind] for kind in kinds],
            "evidence": _evidence(rng, subjects),
            "note": _notes(rng, kinds, subjects),
            "changed_by": _changed_by(rng, changed, set_up.leaders),
            "changed_at": _changed_at(rng, days[changes["day"].to_numpy()]),
        }
    )[HISTORY_COLUMNS]


def _evidence(rng, subjects: np.ndarray) -> np.ndarray:
    """An evidence type for each change, as each subject's teachers tend to use them."""
    evidence = np.empty(len(subjects), dtype=object)
    for subject in np.unique(subjects):
        rows = subjects == subject
        weights = np.array(EVIDENCE_WEIGHTS.get(subject, OTHER_EVIDENCE_WEIGHTS), float)
        picked = rng.choice(
            len(EVIDENCE_TYPES), size=rows.sum(), p=weights / weights.sum()
        )
        evidence[rows] = np.array(EVIDENCE_TYPES)[picked]
    return evidence


def _notes(rng, kinds: np.ndarray, subjects: np.ndarray) -> list[str | None]:
    """A short note on about a third of changes; none on the rest."""
    noted = rng.random(len(kinds)) < NOTE_SHARE
    template_draws, topic_draws = rng.random(len(kinds)), rng.random(len(kinds))
    return [
        _note(kind, subject, template_draw, topic_draw) if has_note else None
        for kind, subject, template_draw, topic_draw, has_note in zip(
            kinds, subjects, template_draws, topic_draws, noted
        )
    ]


def _note(kind: str, subject: str, template_draw: float, topic_draw: float) -> str:
    templates = NOTE_TEMPLATES[kind]
    topics = NOTE_TOPICS.get(subject, OTHER_TOPICS)
    template = templates[int(template_draw * len(templates))]
    return template.format(topic=topics[int(topic_draw * len(topics))])


def _changed_by(rng, changed, leaders: dict[str, list[int]]) -> np.ndarray:
    """Usually the class teacher; else the SENCo for SEND pupils, or a subject lead."""
    n = len(changed)
    others = np.where(
        changed["send"] != "N",
        leaders[SENCO][0],
        rng.choice(leaders[SUBJECT_LEAD], size=n),
    )
    by_teacher = rng.random(n) < CLASS_TEACHER_SHARE
    return np.where(by_teacher, changed["teacher_id"], others)


def _changed_at(rng, days: np.ndarray) -> pd.DatetimeIndex:
    """A moment in the school day (before school, lunch, after school), in UTC."""
    slots = list(CHANGE_TIMES)
    chances = np.array(list(CHANGE_TIMES.values()))
    starts, ends = (np.array(bounds) for bounds in zip(*slots))
    slot = rng.choice(len(slots), size=len(days), p=chances / chances.sum())
    minutes = starts[slot] + rng.random(len(days)) * (ends[slot] - starts[slot])
    seconds = pd.to_timedelta(np.round(minutes * 60), unit="s")
    local = pd.DatetimeIndex(pd.to_datetime(days)) + seconds
    return local.tz_localize(SCHOOL_TIME_ZONE).tz_convert("UTC")


# --- Interventions: what the school planned for pupils who fell Below ---

STRATEGIES = {  # subject: (strategy, who delivers it)
    "Reading": [
        ("Daily phonics catch-up in a group of four", "Teaching assistant"),
        ("Reading with an adult four times a week", "Reading volunteer"),
    ],
    "Writing": [
        ("Weekly writing conference on one piece of work", "Class teacher"),
        ("Pre-teaching of the next unit's vocabulary", "Teaching assistant"),
    ],
    "Maths": [
        ("Ten minutes' precision teaching of number facts daily", "Teaching assistant"),
        ("Same-day catch-up after the maths lesson", "Class teacher"),
    ],
}
SINGLE_INTERVENTIONS = 10  # a school's, beside its one programme
INTERVENTION_WEEKS = 6  # from its start to its review
OUTCOME_CHANCES = {"worked": 0.45, "partly": 0.35, "not_yet": 0.2}
REVIEW_NOTES = {
    "worked": "Back in line with the class in the last two assessments.",
    "partly": "Closer, but not yet secure without support.",
    "not_yet": "Little change yet; to be discussed with the SENCo.",
}
UNREVIEWED_SHARE = 0.2  # of those past their review date: reviews left due


def _plan_interventions(cursor, set_up: SchoolSetUp, rng, today: date) -> None:
    """A term's interventions for pupils Below in a core subject, most reviewed.

    One programme takes in every pupil of the year group and subject with the
    most pupils Below early on (as a school runs a phonics catch-up for a
    year group), so its impact is a group large enough to read; the rest are
    single pupils. Each starts a few school days after the pupil was first
    set Below and is reviewed six weeks on; some reviews are still to come,
    and a few are due.
    """
    cells = cursor.execute(
        """
        select c.pupil_id, c.subject_id, s.name as subject, p.year_group,
               min(c.changed_at) as first_below
        from status_changes c
        join subjects s on s.id = c.subject_id
        join pupils p on p.id = c.pupil_id
        where s.school_id = ? and c.academic_year = ? and c.status = 'Below'
          and s.name in (select unnest(?::varchar[]))
        group by all
        having min(c.changed_at) < ?
        order by c.pupil_id, c.subject_id
        """,
        [set_up.school_id, set_up.academic_year, CORE_SUBJECTS,
         today - timedelta(weeks=3)],
    ).df()  # fmt: skip
    if cells.empty:
        return
    sizes = cells.groupby(["year_group", "subject"]).size()
    programme_year, programme_subject = sizes.sort_values(kind="stable").index[-1]
    in_programme = (
        (cells["year_group"] == programme_year)
        & (cells["subject"] == programme_subject)
    ).to_numpy()
    others = np.flatnonzero(~in_programme)
    singles = rng.choice(others, size=min(SINGLE_INTERVENTIONS, len(others)),
                         replace=False)  # fmt: skip
    chosen = np.sort(np.concatenate([np.flatnonzero(in_programme), singles]))
    senco = set_up.leaders[SENCO][0]
    for cell in cells.iloc[chosen].itertuples():
        pupil_id, subject_id = int(cell.pupil_id), int(cell.subject_id)
        subject = cell.subject
        starts_on = _school_day_on_or_after(
            cell.first_below.date() + timedelta(days=int(rng.integers(2, 8))),
            set_up.half_terms,
        )
        if starts_on is None:
            continue
        review_on = _school_day_on_or_after(
            starts_on + timedelta(weeks=INTERVENTION_WEEKS), set_up.half_terms
        )
        if review_on is None:
            continue
        options = STRATEGIES[subject]
        pick = 0 if in_programme[cell.Index] else int(rng.integers(len(options)))
        strategy, delivered_by = options[pick]
        intervention_id = insert_intervention(cursor, {
            "pupil_id": pupil_id, "subject_id": subject_id,
            "academic_year": set_up.academic_year, "strategy": strategy,
            "delivered_by": delivered_by, "starts_on": starts_on,
            "review_on": review_on, "recorded_by": senco,
        })  # fmt: skip
        _recorded_on(cursor, "interventions", intervention_id, starts_on)
        if review_on >= today or rng.random() < UNREVIEWED_SHARE:
            continue
        outcome = _pick(rng, OUTCOME_CHANCES)
        late = review_on + timedelta(days=int(rng.integers(0, 3)))
        reviewed_on = min(
            _school_day_on_or_after(late, set_up.half_terms) or review_on, today
        )
        review_id = insert_review(cursor, {
            "intervention_id": intervention_id, "pupil_id": pupil_id,
            "outcome": outcome, "note": REVIEW_NOTES[outcome],
            "reviewed_on": reviewed_on, "recorded_by": senco,
        })  # fmt: skip
        _recorded_on(cursor, "intervention_reviews", review_id, reviewed_on)


def _school_day_on_or_after(day: date, half_terms: list[HalfTerm]) -> date | None:
    """The first weekday in a half-term from `day` on; None after the year's end."""
    for half_term in sorted(half_terms, key=lambda h: h.starts_on):
        if day > half_term.ends_on:
            continue
        day = max(day, half_term.starts_on)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        if day <= half_term.ends_on:
            return day
    return None


def _recorded_on(cursor, table: str, row_id: int, day: date) -> None:
    """Date a demo row when its staff would have written it: after school that day."""
    after_school = pd.Timestamp(day) + pd.Timedelta(hours=16, minutes=30)
    cursor.execute(
        f"update {table} set recorded_at = ? where id = ?",
        [after_school.tz_localize(SCHOOL_TIME_ZONE).tz_convert("UTC"), row_id],
    )


# --- Past years: the school as it was, year by year, and its snapshots ---

NEVER = 10**6  # years back: a change that never happened


def _build_past_years(
    store: Store, profile: SchoolProfile, set_up: SchoolSetUp, pupils, rng, years
) -> int:
    """Each past academic year, oldest first, then its six snapshots.

    The pupils table is set to each pupil's context that year (year group,
    class, SEND) while its snapshots are taken, so that they keep the context
    as it was; this year's context is put back at the end. Returns how many
    status changes the past years hold.
    """
    if years == 1:
        return 0
    calendars = {back: _past_set_up(set_up, back) for back in range(1, years)}
    with store.transaction() as cursor:
        for past in calendars.values():
            save_academic_year(
                cursor, past.school_id, past.academic_year, past.tracking_start,
                past.half_terms,
            )  # fmt: skip
        everyone = _everyone(cursor, rng, profile, set_up, pupils, calendars)
    trend = rng.normal(*SCHOOL_TREND_PER_YEAR)
    changes = 0
    try:
        for back in range(years - 1, 0, -1):
            past = calendars[back]
            then = _pupils_then(everyone, past, back)
            with store.transaction() as cursor:
                _set_pupils_context(cursor, then)
                changes += _fill_past_year(
                    cursor, rng, profile, past, then, trend * back
                )
            for half_term in past.half_terms:
                take_snapshot(store, past.school_id, half_term, as_at=end_of(half_term))
    finally:
        with store.transaction() as cursor:
            _set_pupils_context(cursor, _final_context(everyone))
    return changes


def _past_set_up(set_up: SchoolSetUp, back: int) -> SchoolSetUp:
    """The school `back` years ago: the same classes and staff, that year's dates."""
    first = first_calendar_year(set_up.academic_year) - back
    year = academic_year_of(date(first, 9, 1))
    return SchoolSetUp(
        set_up.school_id, year, default_half_terms(year), default_tracking_start(year),
        set_up.classes, set_up.subjects, set_up.leaders,
    )  # fmt: skip


def _year_end(past: SchoolSetUp) -> date:
    """The day after a year's last school day: its whole log lies before it."""
    return past.half_terms[-1].ends_on + timedelta(days=1)


def _everyone(cursor, rng, profile, set_up, pupils, calendars) -> pd.DataFrame:
    """Every pupil the school had in the years shown: those on roll today, the
    Year 6 leavers of each past year, and those who moved away during one.

    One row per pupil with what does not change (the cohort: the calendar year
    they started Reception, their form letter, dates, traits) and how their
    SEND and attainment differed in past years.
    """
    first = first_calendar_year(set_up.academic_year)
    current = pupils.assign(
        cohort=first - pupils["year_group"],
        letter=pupils["class_name"].str[-1],
        latent=pupils["ability"] - _ability_shift(pupils),
        back0=0,
    )
    taken = set(current["upn"])
    others = []
    for back, past in calendars.items():
        for kind in ("leavers", "movers"):
            made = _past_pupils(rng, profile, past, kind, len(pupils), taken)
            others.append(made.assign(back0=back))
    synthetic = pd.concat(others, ignore_index=True)
    synthetic["latent"] = rng.normal(size=len(synthetic))
    ids = insert_pupils(cursor, synthetic)
    synthetic["pupil_id"] = synthetic["upn"].map(ids).astype("int64")
    everyone = pd.concat([current, synthetic], ignore_index=True)
    return _add_past_differences(rng, everyone, len(calendars) + 1)


def _past_pupils(rng, profile, past: SchoolSetUp, kind, roll: int, taken: set):
    """That year's Year 6, who left at its end, or a few who moved away during it."""
    classes = past.classes
    if kind == "leavers":
        seats = _seat_pupils(rng, classes[classes["year_group"] == 6])
    else:
        picked = rng.choice(len(classes), size=round(roll * MOVER_SHARE))
        seats = classes.iloc[picked][["class_id", "class_name", "year_group"]]
        seats = seats.reset_index(drop=True)
    made = _describe_pupils(rng, seats, profile, past, _year_end(past))
    made["upn"] = _unused_upns(rng, made["upn"], taken)
    left = _year_end(past) if kind == "leavers" else None
    made["left_on"] = left or _left_during(rng, made["joined_on"], past)
    made["cohort"] = first_calendar_year(past.academic_year) - made["year_group"]
    made["letter"] = made["class_name"].str[-1]
    return made


def _unused_upns(rng, upns: pd.Series, taken: set) -> list[str]:
    """The UPNs, each one already given to another pupil drawn again."""
    fresh = []
    for upn in upns:
        while upn in taken:
            la, establishment, year = int(upn[1:4]), int(upn[4:8]), int(upn[8:10])
            upn = make_upn(la, establishment, year, int(rng.integers(1, 1000)))
        taken.add(upn)
        fresh.append(upn)
    return fresh


def _left_during(rng, joined_on, past: SchoolSetUp) -> list[date]:
    """A school day in the year, after the pupil had been in school a fortnight."""
    days = _school_days(past.half_terms, past.half_terms[0].starts_on, _year_end(past))
    earliest = np.searchsorted(days, _days(joined_on)) + MIN_SCHOOL_DAYS_BETWEEN_CHANGES
    earliest = np.minimum(earliest, len(days) - 1)
    picked = earliest + (rng.random(len(earliest)) * (len(days) - earliest)).astype(int)
    return [day.item() for day in days[np.minimum(picked, len(days) - 1)]]


def _add_past_differences(rng, everyone: pd.DataFrame, years: int) -> pd.DataFrame:
    """How each pupil differed in past years: SEN support not yet identified, or
    since come off; attainment drifting a little from year to year."""
    n, send = len(everyone), everyone["send"].to_numpy()
    came_off = (send == "N") & (rng.random(n) < CAME_OFF_SEN_SHARE)
    chances = np.array(list(SEN_SUPPORT_NEEDS.values()), dtype=float)
    steps = rng.normal(0.0, ABILITY_DRIFT_PER_YEAR, (n, years))
    steps[:, 0] = 0.0
    return everyone.assign(
        sen_known_for=np.where(
            send == "K", rng.geometric(SEN_IDENTIFIED_PER_YEAR, n), NEVER
        ),
        sen_off_since=np.where(came_off, rng.integers(1, 4, n), NEVER),
        past_need=rng.choice(list(SEN_SUPPORT_NEEDS), n, p=chances / chances.sum()),
        drift=list(np.cumsum(steps, axis=1)),
        year_group_now=everyone["year_group"],
        class_id_now=everyone["class_id"],
        send_now=everyone["send"],
        primary_need_now=everyone["primary_need"],
    )


def _pupils_then(everyone: pd.DataFrame, past: SchoolSetUp, back: int):
    """The pupils on roll at some time in a past year, in their context then."""
    first = first_calendar_year(past.academic_year)
    year_group = first - everyone["cohort"]
    left_on = pd.to_datetime(everyone["left_on"])
    on_roll = (
        year_group.between(0, 6)
        & (pd.to_datetime(everyone["joined_on"]) < pd.Timestamp(_year_end(past)))
        & (left_on.isna() | (left_on > pd.Timestamp(past.half_terms[0].starts_on)))
    )
    then = everyone[on_roll].copy()
    then["year_group"] = year_group[on_roll].astype("int64")
    years_before = (back - then["back0"]).to_numpy()
    names = then["year_group"].map(lambda y: "R" if y == 0 else str(y))
    then["class_name"] = names + then["letter"]
    class_ids = past.classes.set_index("class_name")["class_id"]
    then["class_id"] = then["class_name"].map(class_ids).astype("int64")
    then = _send_then(then, years_before)
    drift = np.array([d[y] for d, y in zip(then["drift"], years_before)])
    then["ability"] = then["latent"].to_numpy() + drift + _ability_shift(then)
    return then.reset_index(drop=True)


def _send_then(then: pd.DataFrame, years_before: np.ndarray) -> pd.DataFrame:
    """SEND `years_before` the pupil's own reference year."""
    send = then["send_now"].to_numpy(dtype=object).copy()
    need = then["primary_need_now"].to_numpy(dtype=object).copy()
    not_yet = (send == "K") & (years_before >= then["sen_known_for"].to_numpy())
    was_on = (send == "N") & (years_before >= then["sen_off_since"].to_numpy())
    send[not_yet], need[not_yet] = "N", None
    send[was_on], need[was_on] = "K", then["past_need"].to_numpy()[was_on]
    return then.assign(send=send, primary_need=need)


def _final_context(everyone: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "pupil_id": everyone["pupil_id"],
            "year_group": everyone["year_group_now"],
            "class_id": everyone["class_id_now"],
            "send": everyone["send_now"],
            "primary_need": everyone["primary_need_now"],
        }
    )


CONTEXT_COLUMNS = ["pupil_id", "year_group", "class_id", "send", "primary_need"]


def _set_pupils_context(cursor, context: pd.DataFrame) -> None:
    """Put pupils in a year group, class and SEND provision (none is indexed)."""
    cursor.register("context", context[CONTEXT_COLUMNS])
    cursor.execute(
        "update pupils set year_group = context.year_group,"
        " class_id = context.class_id, send = context.send,"
        " primary_need = context.primary_need"
        " from context where pupils.id = context.pupil_id"
    )
    cursor.unregister("context")


def _fill_past_year(cursor, rng, profile, past: SchoolSetUp, then, shift) -> int:
    """A past year's attendance, behaviour and status log, none after a pupil left."""
    end = _year_end(past)
    left_on = pd.to_datetime(then.set_index("pupil_id")["left_on"])

    def before_leaving(frame, column):
        left = frame["pupil_id"].map(left_on)
        return frame[left.isna() | (pd.to_datetime(frame[column]) < left)]

    attendance = _make_attendance(rng, then, past, end)
    insert_attendance(cursor, before_leaving(attendance, "starts_on"))
    incidents = _make_incidents(rng, then, past, end)
    insert_incidents(cursor, before_leaving(incidents, "occurred_on"))
    shares = (
        float(np.clip(profile.below_share + shift, 0.1, 0.22)),
        float(np.clip(profile.above_share - shift / 2, 0.06, 0.14)),
    )
    history = _make_status_history(rng, then, profile, past, end, shares)
    local_day = (
        history["changed_at"]
        .dt.tz_convert(SCHOOL_TIME_ZONE)
        .dt.tz_localize(None)
        .dt.normalize()
    )
    history = history.assign(changed_on=local_day)
    history = before_leaving(history, "changed_on")
    insert_status_history(cursor, history)
    return len(history)
