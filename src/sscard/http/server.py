"""The ASGI entry point for uvicorn: the app built from the environment."""

from sscard.http.app import create_app

app = create_app()
