"""Lambda entry of the console's API (API Gateway HTTP API, payload v2, through apig-wsgi)."""

from functions.admin.app import create_app
from functions.web import lazy_lambda_handler

handler = lazy_lambda_handler(create_app)
