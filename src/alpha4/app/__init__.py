"""The clinic's web application: server-rendered pages, the REST API and sign-in.

Routes translate HTTP and call :mod:`alpha4.app.services` (which calls ``store`` and ``rules``);
they hold no queries. ``create_app`` in :mod:`alpha4.app.main` builds the application.
"""
