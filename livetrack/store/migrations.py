"""The schema, as a numbered list of migrations applied in order at start-up.

Append a new migration to grow the schema; never edit one that has shipped,
so that a school's existing database opens with a newer LiveTrack intact.

DuckDB rewrites an update of an indexed column (a key, a unique or a foreign
key column) as a delete and an insert, which a foreign key pointing at the
row then refuses. So a column that changes over a pupil's or a person's time
in school is never indexed.
"""

import logging

import duckdb

log = logging.getLogger(__name__)

INITIAL_SCHEMA = """
create sequence school_ids;
create table schools (
    id integer primary key default nextval('school_ids'),
    name varchar not null,
    la_code smallint not null,
    establishment_number smallint not null,
    is_demo boolean not null default false,
    created_at timestamptz not null default now()
);

create table academic_years (
    school_id integer not null references schools (id),
    academic_year varchar not null,
    tracking_starts_on date not null,
    primary key (school_id, academic_year)
);

create table half_terms (
    school_id integer not null references schools (id),
    academic_year varchar not null,
    half_term varchar not null,
    starts_on date not null,
    ends_on date not null,
    primary key (school_id, academic_year, half_term),
    check (starts_on <= ends_on)
);

create sequence class_ids;
create table classes (
    id integer primary key default nextval('class_ids'),
    school_id integer not null references schools (id),
    name varchar not null,
    year_group tinyint not null,
    unique (school_id, name)
);

create sequence pupil_ids;
create table pupils (
    id integer primary key default nextval('pupil_ids'),
    school_id integer not null references schools (id),
    upn varchar not null,
    legal_first_name varchar not null,
    legal_last_name varchar not null,
    preferred_first_name varchar,
    date_of_birth date,
    sex varchar check (sex in ('F', 'M')),
    year_group tinyint not null,
    -- No foreign key here, on purpose: DuckDB indexes a foreign key column and
    -- turns an update of an indexed column into a delete and an insert, which
    -- the status log's reference to the pupil then refuses. Pupils move class.
    class_id integer,
    send varchar not null default 'N' check (send in ('N', 'K', 'E')),
    primary_need varchar,
    pupil_premium boolean not null default false,
    fsm boolean not null default false,
    eal boolean not null default false,
    looked_after boolean not null default false,
    joined_on date,
    left_on date,
    unique (school_id, upn)
);

create sequence subject_ids;
create table subjects (
    id integer primary key default nextval('subject_ids'),
    school_id integer not null references schools (id),
    name varchar not null,
    position smallint not null,
    unique (school_id, name)
);

create table subject_year_groups (
    subject_id integer not null references subjects (id),
    year_group tinyint not null,
    primary key (subject_id, year_group)
);

create sequence staff_ids;
create table staff (
    id integer primary key default nextval('staff_ids'),
    school_id integer references schools (id),
    display_name varchar not null,
    -- Not unique in the database (see the module's note): store/people.py
    -- keeps addresses unique, ignoring case, so that one can be corrected.
    email varchar not null,
    role varchar not null
);

create table staff_classes (
    staff_id integer not null references staff (id),
    class_id integer not null references classes (id),
    primary key (staff_id, class_id)
);

create table attendance (
    pupil_id integer not null references pupils (id),
    starts_on date not null,
    ends_on date not null,
    sessions_possible integer not null check (sessions_possible >= 0),
    sessions_attended integer not null check (sessions_attended >= 0),
    sessions_authorised integer not null default 0,
    sessions_unauthorised integer not null default 0,
    primary key (pupil_id, starts_on, ends_on),
    check (sessions_attended <= sessions_possible)
);

create sequence incident_ids;
create table behaviour_incidents (
    id bigint primary key default nextval('incident_ids'),
    pupil_id integer not null references pupils (id),
    occurred_on date not null,
    kind varchar not null check (kind in ('positive', 'negative')),
    category varchar,
    points integer not null default 0
);

-- The status log is append-only: the current status is the latest row,
-- or On where there is none. Rows are never updated or deleted.
create sequence status_change_ids;
create table status_changes (
    id bigint primary key default nextval('status_change_ids'),
    pupil_id integer not null references pupils (id),
    subject_id integer not null references subjects (id),
    academic_year varchar not null,
    status varchar not null check (status in ('Above', 'On', 'Below')),
    evidence varchar,
    note varchar,
    changed_by integer not null references staff (id),
    changed_at timestamptz not null default now()
);
"""

PEOPLE_AND_AUDIT = """
alter table staff add column active boolean default true;

-- A subject lead's subjects and a phase lead's year groups: their area.
create table staff_subjects (
    staff_id integer not null references staff (id),
    subject_id integer not null references subjects (id),
    primary key (staff_id, subject_id)
);
create table staff_year_groups (
    staff_id integer not null references staff (id),
    year_group tinyint not null,
    primary key (staff_id, year_group)
);

-- Who did what and when: append-only like the status log. No foreign keys,
-- so a record outlives whatever it describes. `details` never holds a
-- pupil's name, UPN or note.
create sequence audit_ids;
create table audit_log (
    id bigint primary key default nextval('audit_ids'),
    recorded_at timestamptz not null default now(),
    staff_id integer,
    school_id integer,
    action varchar not null,
    details json
);
"""

REVIEWS = """
-- A teacher confirming a class's statuses in a subject as reviewed, with
-- nothing to change: so that a leader can tell "On" from "never looked at".
create sequence review_ids;
create table status_reviews (
    id bigint primary key default nextval('review_ids'),
    class_id integer not null references classes (id),
    subject_id integer not null references subjects (id),
    academic_year varchar not null,
    reviewed_by integer not null references staff (id),
    reviewed_at timestamptz not null default now()
);
"""

# Trust-wide settings that an admin changes (the retention period first), one
# row each, the value as text. Who changed one, and when, is in the audit log.
SETTINGS = """
create table settings (
    name varchar primary key,
    value varchar not null,
    changed_at timestamptz not null default now()
);
"""

MIS_IMPORTS = """
-- The header a school's MIS gives a detail LiveTrack did not recognise (the
-- UPN, say), as the school's admin answered it, for that school's next file
-- of the same kind. No foreign key, like the audit log: it is a note.
create table import_column_mappings (
    school_id integer not null,
    kind varchar not null,
    detail varchar not null,
    header varchar not null,
    primary key (school_id, kind, detail)
);

-- What makes an incident the same one when a file comes in again: the MIS's
-- own id where the file has one, else its date, type, category, points and
-- which of the same on that day it is. Incidents are never updated, so an
-- index on them is safe (see the note at the top of this module).
alter table behaviour_incidents add column natural_key varchar;
create unique index behaviour_incident_keys
    on behaviour_incidents (pupil_id, natural_key);
"""

# Interventions and meeting actions, append-only like the status log: an
# outcome is a review row of its own, never an update, so no column here is
# ever changed and every row says who recorded it and when.
INTERVENTIONS = """
create sequence intervention_ids;
create table interventions (
    id bigint primary key default nextval('intervention_ids'),
    pupil_id integer not null references pupils (id),
    -- Null when the intervention is not about one subject.
    subject_id integer references subjects (id),
    academic_year varchar not null,
    strategy varchar not null,
    delivered_by varchar not null,
    starts_on date not null,
    review_on date not null,
    recorded_by integer not null references staff (id),
    recorded_at timestamptz not null default now(),
    check (starts_on <= review_on)
);

create sequence intervention_review_ids;
-- No foreign key to interventions, and the pupil's id beside it: erasing a
-- pupil finds every table with a pupil_id and deletes from each in one
-- transaction, which a key pointing at a deleted intervention would refuse.
create table intervention_reviews (
    id bigint primary key default nextval('intervention_review_ids'),
    intervention_id bigint not null,
    pupil_id integer not null,
    outcome varchar not null check (outcome in ('worked', 'partly', 'not_yet')),
    note varchar,
    reviewed_on date not null,
    recorded_by integer not null references staff (id),
    recorded_at timestamptz not null default now()
);

-- An action agreed for a pupil that is not an intervention: a note.
create sequence pupil_action_ids;
create table pupil_actions (
    id bigint primary key default nextval('pupil_action_ids'),
    pupil_id integer not null references pupils (id),
    subject_id integer references subjects (id),
    academic_year varchar not null,
    note varchar not null,
    recorded_by integer not null references staff (id),
    recorded_at timestamptz not null default now()
);
"""

MIGRATIONS = [
    INITIAL_SCHEMA,
    PEOPLE_AND_AUDIT,
    REVIEWS,
    SETTINGS,
    MIS_IMPORTS,
    INTERVENTIONS,
]


def apply_migrations(
    connection: duckdb.DuckDBPyConnection, up_to: int | None = None
) -> int:
    """Bring the schema up to date (or to migration `up_to`); returns how many ran."""
    cursor = connection.cursor()
    cursor.execute(
        "create table if not exists schema_migrations ("
        " number integer primary key,"
        " applied_at timestamptz not null default now())"
    )
    applied = {
        row[0]
        for row in cursor.execute("select number from schema_migrations").fetchall()
    }
    pending = [
        (n, sql)
        for n, sql in enumerate(MIGRATIONS[:up_to], start=1)
        if n not in applied
    ]
    for number, sql in pending:
        cursor.begin()
        cursor.execute(sql)
        cursor.execute("insert into schema_migrations (number) values (?)", [number])
        cursor.commit()
        log.info("applied schema migration %d", number)
    return len(pending)
