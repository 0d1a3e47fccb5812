"""A fresh demo registry for ``alpha4 serve --demo``: the synthetic cohort and one user per role.

Nothing here is real patient data. The passwords are random for each demo and printed once.
"""

from __future__ import annotations

import datetime as dt
import secrets

from alpha4.store import Database, upgrade
from alpha4.store.appointments import book
from alpha4.store.transfer import Incoming, import_patients
from alpha4.store.users import Role, create_user
from alpha4.synthetic import generate_cohort

DEMO_ACTOR = "alpha4-demo"


def seed_demo(
    db: Database, *, patients: int, seed: int, day: dt.date, at: dt.datetime
) -> dict[str, tuple[Role, str]]:
    """Create the schema, import ``patients`` synthetic patients and one user per role.

    Returns ``{username: (role, password)}``.
    """
    upgrade(db)
    cohort = (
        Incoming("synthetic", n + 1, p) for n, (_, p) in enumerate(generate_cohort(patients, day, seed=seed))
    )
    import_patients(db, cohort, actor=DEMO_ACTOR, at=at)
    book_demo_week(db, patients=patients, day=day, at=at)
    users: dict[str, tuple[Role, str]] = {}
    with db.writing() as session:
        for role in Role:
            name = f"demo-{role.value}"
            password = secrets.token_urlsafe(12)
            create_user(
                session=session,
                username=name,
                password=password,
                roles=[role],
                actor=DEMO_ACTOR,
                at=at,
                display_name=f"Demo {role.value}",
            )
            users[name] = (role, password)
    return users


DEMO_CHAIRS = 8


def book_demo_week(db: Database, *, patients: int, day: dt.date, at: dt.datetime) -> None:
    """Book every third demo patient for an infusion in the coming week (so Today, Tomorrow and
    the holds queue show a clinic's day), eight chairs from 08:00, a slot every 30 minutes."""
    with db.writing() as session:
        for slot, n in enumerate(range(1, patients + 1, 3)):
            minutes = 8 * 60 + 30 * (slot // DEMO_CHAIRS % 16)
            book(
                session=session,
                patient_id=f"P{n:06d}",
                day=day + dt.timedelta(days=slot % 7),
                start_time=f"{minutes // 60:02d}:{minutes % 60:02d}",
                chair=str(slot % DEMO_CHAIRS + 1),
                actor=DEMO_ACTOR,
                at=at,
            )
