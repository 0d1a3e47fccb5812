"""Registry users: ``alpha4 user create | list | deactivate | reactivate | roles | set-password``.

The way to make the first admin of a real registry (``alpha4 user create NAME --role admin``);
after that admins can also manage users in the web app. A password is never an argument (it
would sit in the shell history and the process list): it is asked twice on the terminal without
echo, or read from standard input with ``--password-stdin`` (one line; for scripts). Every change
is audited with the actor (``--actor``, else ``ALPHA4_ACTOR``, else the OS user), never with the
password.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from alpha4.store import (
    InvalidChange,
    create_user,
    deactivate_user,
    list_users,
    reactivate_user,
    set_password,
    set_roles,
)
from alpha4.store.users import Role, check_password

from .common import fail, out, print_json
from .registry import ActorOption, ShowFormat, actor_of, now, registry, store_errors, store_fail

app = typer.Typer(
    help="Registry users: create, list, deactivate, reactivate, change roles, set a password.",
    no_args_is_help=True,
)

PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin", help="Read the password from standard input (one line) instead of asking"
    ),
]


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def read_password(from_stdin: bool) -> str:
    """The new password: one line of standard input, or asked twice on the terminal, hidden."""
    if from_stdin:
        password = sys.stdin.readline().removesuffix("\n").removesuffix("\r")
    elif stdin_is_terminal():
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        fail("standard input is not a terminal: pass the password with --password-stdin")
    try:
        check_password(password)
    except InvalidChange as error:
        fail(str(error))
    return password


@app.command("create")
def create_command(
    username: Annotated[str, typer.Argument(metavar="USERNAME", help="The user's sign-in name")],
    role: Annotated[
        list[Role],
        typer.Option("--role", help="A role (repeat for several): " + ", ".join(r.value for r in Role)),
    ],
    name: Annotated[str | None, typer.Option("--name", help="Display name (default: the username)")] = None,
    password_stdin: PasswordStdin = False,
    actor: ActorOption = None,
) -> None:
    """Create an active user with roles; the password (12 to 200 characters) is asked twice, hidden."""
    if not username.strip():
        fail("a user needs a username")
    who = actor_of(actor)
    with registry() as db:
        password = read_password(password_stdin)
        with store_errors(db), db.writing() as session:
            create_user(
                session=session,
                username=username,
                password=password,
                roles=role,
                actor=who,
                at=now(),
                display_name=name,
            )
        roles = ", ".join(sorted({r.value for r in role}))
        out.print(f"created user {escape(username.strip())} ({roles})", highlight=False)


@app.command("list")
def list_command(
    format: Annotated[
        ShowFormat, typer.Option("--format", help="text (for people) or json (for scripts)")
    ] = ShowFormat.TEXT,
) -> None:
    """Every user with their roles and whether they are active (never a password hash)."""
    with registry() as db, store_errors(db), db.reading() as session:
        users = list_users(session=session)
    if format is ShowFormat.JSON:
        print_json(
            [
                {
                    "username": u.username,
                    "display_name": u.display_name,
                    "roles": [r.value for r in u.roles],
                    "active": u.active,
                    "created_at": u.created_at.isoformat(timespec="seconds"),
                    "created_by": u.created_by,
                }
                for u in users
            ]
        )
        return
    if not users:
        out.print("no users yet: `alpha4 user create NAME --role admin` makes the first admin")
        return
    table = Table("username", "name", "roles", "status", "created", "by")
    for u in users:
        table.add_row(
            escape(u.username),
            escape(u.display_name),
            ", ".join(r.value for r in u.roles),
            "active" if u.active else "[dim]deactivated[/]",
            u.created_at.strftime("%Y-%m-%d %H:%M"),
            escape(u.created_by),
        )
    out.print(table)


@app.command("deactivate")
def deactivate_command(
    username: Annotated[str, typer.Argument(metavar="USERNAME", help="The user's sign-in name")],
    actor: ActorOption = None,
) -> None:
    """Deactivate a user: no more sign-ins, open sessions and tokens stop at once (kept for the audit)."""
    who = actor_of(actor)
    with registry() as db:
        with store_errors(db), db.writing() as session:
            changed = deactivate_user(session=session, username=username, actor=who, at=now())
        state = "deactivated" if changed else "was already deactivated"
        out.print(f"{escape(username)} {state}", highlight=False)


@app.command("reactivate")
def reactivate_command(
    username: Annotated[str, typer.Argument(metavar="USERNAME", help="The user's sign-in name")],
    actor: ActorOption = None,
) -> None:
    """Let a deactivated user sign in again, with the roles they had (check them with `user list`)."""
    who = actor_of(actor)
    with registry() as db:
        with store_errors(db), db.writing() as session:
            changed = reactivate_user(session=session, username=username, actor=who, at=now())
        state = "reactivated" if changed else "was already active"
        out.print(f"{escape(username)} {state}", highlight=False)


@app.command("roles")
def roles_command(
    username: Annotated[str, typer.Argument(metavar="USERNAME", help="The user's sign-in name")],
    role: Annotated[
        list[Role],
        typer.Option("--role", help="A role the user has from now on (repeat; exactly these roles)"),
    ],
    actor: ActorOption = None,
) -> None:
    """Give a user exactly these roles; open sessions get the new permissions at their next request."""
    who = actor_of(actor)
    with registry() as db:
        with store_errors(db), db.writing() as session:
            changed = set_roles(session=session, username=username, roles=role, actor=who, at=now())
        roles = ", ".join(sorted({r.value for r in role}))
        state = f"now has roles: {roles}" if changed else f"already had roles: {roles}"
        out.print(f"{escape(username)} {state}", highlight=False)


@app.command("set-password")
def set_password_command(
    username: Annotated[str, typer.Argument(metavar="USERNAME", help="The user's sign-in name")],
    password_stdin: PasswordStdin = False,
    actor: ActorOption = None,
) -> None:
    """Set a user's password (asked twice, hidden; or --password-stdin)."""
    who = actor_of(actor)
    with registry() as db:
        with store_errors(db), db.reading() as session:
            if username not in {u.username for u in list_users(session=session)}:
                store_fail(f"no user {username!r} in the registry")  # before asking for a password
        password = read_password(password_stdin)
        with store_errors(db), db.writing() as session:
            set_password(session=session, username=username, password=password, actor=who, at=now())
        out.print(f"password of {escape(username)} changed", highlight=False)
