"""sscard: the back office of Jiangsu's social security card."""

__version__ = "0.1.0"
