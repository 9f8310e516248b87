"""Lambda entry of the login flow (API Gateway HTTP API, payload v2, through apig-wsgi)."""

from functions.login.app import create_app
from functions.web import lazy_lambda_handler

handler = lazy_lambda_handler(create_app)
