"""The local web page and JSON API (``explainer serve``).

Needs the ``web`` extra (FastAPI, Jinja2, uvicorn). This package's ``__init__`` imports nothing
heavy, so that registering the ``serve`` command keeps ``explainer --help`` fast:

* :mod:`explainer.cli.serve` -- the ``serve`` command (imports the server only when run);
* :mod:`explainer.web.app` -- :func:`~explainer.web.app.create_app`, the FastAPI application,
  put together from :mod:`~explainer.web.site` (the routes' shared work),
  :mod:`~explainer.web.pages` and :mod:`~explainer.web.api` (the routes) and
  :mod:`~explainer.web.errors` (error answers), wrapped in :mod:`~explainer.web.guard` (body
  limit, security headers, access log);
* :mod:`explainer.web.forms` -- turning form fields into a profile and back;
* :mod:`explainer.web.views` -- the HTML pages, drawn from the shared layout with Jinja2;
* :mod:`explainer.web.server` -- binding the port and running uvicorn with one or more workers.
"""
