"""The ASGI entry point for uvicorn: the app built from the environment.

Every server process imports this first (each of uvicorn's workers too), so it is where the
process makes its files private (issue 11): the database, its WAL and the notification files,
and where its logs learn to mask personal numbers (a card number in a path) and to leave query
strings out (SPEC ID-6): uvicorn has configured logging by the time it imports this.
"""

from sscard.app import create_app
from sscard.kernel.config import Settings
from sscard.kernel.files import private_database, private_files
from sscard.platform.http.logs import keep_personal_numbers_out_of_logs

keep_personal_numbers_out_of_logs()
private_files()
settings = Settings.from_env()
private_database(settings.database_url)
app = create_app(settings)
