"""A fresh demo registry for ``alpha4 serve --demo``: the synthetic cohort and one user per role.

Nothing here is real patient data. The passwords are random for each demo and printed once.
"""

from __future__ import annotations

import datetime as dt
import secrets

from alpha4.store import Database, upgrade
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
