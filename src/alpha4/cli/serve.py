"""``alpha4 serve``: the clinic's web application (worklist, patient pages, checklist, REST API)."""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from .common import fail, out


def first_admin_hint(database_url: str) -> str | None:
    """What to do when nobody can sign in yet: the registry has no active admin."""
    from alpha4.store import Database, StoreError, list_users
    from alpha4.store.users import Role

    db = Database(database_url)
    try:
        with db.reading() as session:
            users = list_users(session=session)
    except StoreError:
        return None  # create_app has already said what is wrong with the registry
    finally:
        db.dispose()
    if any(u.active and Role.ADMIN in u.roles for u in users):
        return None
    return (
        "no active admin in this registry yet: nobody can sign in. Create the first one with "
        "`alpha4 user create NAME --role admin` (the password is asked twice), then sign in at /login"
    )


def register(app: typer.Typer) -> None:
    """Attach ``serve`` to ``app``."""

    @app.command("serve")
    def serve(
        host: Annotated[str, typer.Option("--host", help="Address to listen on")] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port to listen on")] = 8000,
        demo: Annotated[
            bool,
            typer.Option(
                "--demo", help="Serve a fresh demo registry (synthetic patients, one user per role)"
            ),
        ] = False,
        patients: Annotated[
            int, typer.Option("--patients", min=1, max=100_000, help="Demo cohort size")
        ] = 300,
    ) -> None:
        """Start the web application on the configured registry (ALPHA4_DATABASE_URL)."""
        import uvicorn

        from alpha4.app.config import WebSettings
        from alpha4.app.main import create_app
        from alpha4.settings import Settings
        from alpha4.store import Database, StoreError

        try:
            web = WebSettings()
        except ValueError as error:
            fail(f"web settings: {error}")
        settings = Settings()
        if not web.secret_key:
            out.print("[yellow]ALPHA4_WEB_SECRET_KEY is not set: sessions last until this server stops[/]")
        if demo:
            from alpha4.app.demo import seed_demo

            folder = Path(tempfile.mkdtemp(prefix="alpha4-demo-"))
            settings = Settings(database_url=f"sqlite:///{folder / 'demo.sqlite3'}")
            db = Database(settings.database_url)
            out.print(f"building a demo registry of {patients} synthetic patients in {folder} ...")
            users = seed_demo(db, patients=patients, seed=4, day=dt.date.today(), at=dt.datetime.now(dt.UTC))
            db.dispose()
            out.print("demo users (passwords shown once):")
            for name, (role, password) in users.items():
                out.print(f"  {role.value:<12} {name:<18} {password}", highlight=False)
        try:
            application = create_app(settings, web=web, cds_demo=demo)
        except StoreError as error:
            fail(str(error))
        if not demo:
            hint = first_admin_hint(settings.database_url)
            if hint:
                out.print(f"[yellow]{hint}[/]", highlight=False)
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        out.print(
            f"alpha4 on http://{host}:{port}/  (sign in at /login; API at /api/v1, OpenAPI /api/v1/openapi.json)"
        )
        uvicorn.run(
            application, host=host, port=port, access_log=False, log_level="info", server_header=False
        )


commands = typer.Typer(add_completion=False)
register(commands)
