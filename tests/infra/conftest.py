"""The journeys' fixtures, for the tests that drive every flow."""

from tests.functions.conftest import api, make_client, outbox  # noqa: F401 - fixtures re-exported
