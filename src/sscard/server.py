"""The ASGI entry point for uvicorn: the app built from the environment.

Every server process imports this first (each of uvicorn's workers too), so it is where the
process makes its files private (issue 11): the database, its WAL and the notification files,
and where its access log learns to leave query strings out.
"""

import logging

from sscard.app import create_app
from sscard.kernel.config import Settings
from sscard.kernel.files import private_database, private_files
from sscard.platform.http.logs import QueryLeftOut

logging.getLogger("uvicorn.access").addFilter(QueryLeftOut())
private_files()
settings = Settings.from_env()
private_database(settings.database_url)
app = create_app(settings)
