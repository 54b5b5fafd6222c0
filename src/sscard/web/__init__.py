"""The web pages: the staff console now, the online hall and the unit portal next (issue 12).

Server-rendered (Jinja2) pages on the same app and the same use cases as the API; a page's route
is as thin as an API route. Chinese first, English by a switch (Babel catalogues).
"""
