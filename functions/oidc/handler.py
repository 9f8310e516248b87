"""Lambda entry of the OpenID Connect provider (API Gateway HTTP API, payload v2, through apig-wsgi)."""

from functions.oidc.app import create_app
from functions.web import lazy_lambda_handler

handler = lazy_lambda_handler(create_app)
