"""The CAS 3.0 server as plain functions (Apereo CAS Protocol 3.0): no Flask here.

The family's ENT session is the single sign-on session: `/cas/login` gives a signed-in browser a
service ticket at once; one without a session goes to « Se connecter » with a pending request
(functions/core/sso.py) whose resume URL is this same `/cas/login`. A service is only ever one a
client registered (`ent-admin client add --protocol cas`); anything else gets an error page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from functions.cas import responses
from functions.cas.attributes import attributes_of
from functions.cas.responses import Failure
from functions.core import audit, service_tickets, sso
from functions.core.audit import Client as Caller
from functions.core.auth import current_session
from functions.core.clients import Client
from functions.core.errors import NotAuthenticated
from functions.core.lifecycle import AccountState
from functions.core.limits import SERVICE_URL_MAX_LENGTH
from functions.core.sessions import Session, session_hash
from functions.core.store import Store

PROTOCOL = "cas"
HOME = "/compte/"  # a login without a service: the family's own page


class UnknownService(Exception):
    """A service URL no registered client declares: an HTML page (`pages.unknown_service`), never a redirect."""


@dataclass(frozen=True)
class LoginRequest:
    service: str | None
    renew: bool = False
    gateway: bool = False
    reference: str | None = None  # `demande`: the pending request being resumed after a login


def registered_service(store: Store, service: str) -> Client:
    """The CAS client that registered this service URL, or UnknownService (an error page)."""
    if len(service) > SERVICE_URL_MAX_LENGTH:
        raise UnknownService()
    client = store.find_cas_service(service)
    if client is None:
        raise UnknownService()
    return client


def _session(store: Store, session_id: str | None, now: datetime) -> Session | None:
    try:
        session, _ = current_session(store, session_id, now)  # full scope, active accounts only
    except NotAuthenticated:
        return None
    return session


def login(store: Store, request: LoginRequest, *, session_id: str | None, now: datetime, caller: Caller) -> str:
    """Return where the browser goes: the service with a ticket, the service bare, or « Se connecter »."""
    session = _session(store, session_id, now)
    if not request.service:
        return HOME if session else "/connexion/"
    client = registered_service(store, request.service)
    resumed = sso.resumed_request(store, request.reference, protocol=PROTOCOL, client_id=client.client_id, now=now)
    fresh = session is not None and sso.logged_in_since(session, resumed)
    if session is not None and (fresh or not request.renew):
        ticket = _issue_ticket(store, client, request.service, session, from_new_login=fresh, now=now, caller=caller)
        return _with_query(request.service, "ticket", ticket)
    if request.gateway and not request.renew:
        return request.service  # §2.1.1: not signed in, gateway asks to come back without a ticket
    resume = "/cas/login?" + urlencode({"service": request.service, **({"renew": "true"} if request.renew else {})})
    reference = sso.start_pending(
        store, protocol=PROTOCOL, client=client, resume_url=resume, now=now, force_login=request.renew
    )
    return sso.login_url(reference)


def _issue_ticket(
    store: Store, client: Client, service: str, session: Session, *, from_new_login: bool, now: datetime, caller: Caller
) -> str:
    subject = sso.record_app_sign_in(store, identifier=session.identifier, client=client, now=now)
    ticket, record = service_tickets.issue(
        client_id=client.client_id,
        service_url=service,
        identifier=session.identifier,
        subject=subject,
        authenticated_at=session.created_at,
        from_new_login=from_new_login,
        now=now,
    )
    store.put_service_ticket(record)
    audit.record(store, session.identifier, "cas_sign_in", now, caller, detail=client.client_id)
    return ticket


def _with_query(url: str, name: str, value: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urlencode({name: value})}"


def validate(store: Store, *, service: str | None, ticket: str | None, renew: bool, now: datetime) -> str:
    """The XML answer of `/p3/serviceValidate`: success with the attributes, or the protocol's failure.

    The ticket is spent by the first attempt, right or wrong (§3.1.1): it is deleted in one
    conditional write before anything else is checked, so two parallel validations get it once.
    """
    if not service or not ticket:
        return responses.failure(Failure.INVALID_REQUEST, "Les paramètres service et ticket sont requis.")
    if not service_tickets.is_well_formed(ticket):
        return responses.failure(Failure.INVALID_TICKET, "Ce ticket n'a pas la forme d'un ticket de service.")
    record = store.spend_service_ticket(service_tickets.ticket_hash_of(ticket))
    if record is None or not record.is_live(now):
        return responses.failure(Failure.INVALID_TICKET, f"Ticket {ticket} inconnu, déjà utilisé ou expiré.")
    if record.service_url != service or store.get_client(record.client_id) is None:
        return responses.failure(Failure.INVALID_SERVICE, f"Le ticket {ticket} n'a pas été émis pour ce service.")
    if renew and not record.from_new_login:
        return responses.failure(Failure.INVALID_TICKET_SPEC, "Ce ticket ne vient pas d'une nouvelle connexion.")
    account = store.get_account(record.identifier)
    if account is None or account.state != AccountState.ACTIVE:
        return responses.failure(Failure.INVALID_TICKET, f"Ticket {ticket} : le compte n'est plus actif.")
    attributes = attributes_of(
        account,
        school_name=store.school_name(account.school),
        authenticated_at=record.authenticated_at,
        from_new_login=record.from_new_login,
    )
    return responses.success(record.subject, attributes)


def logout(store: Store, *, session_id: str | None, service: str | None, now: datetime, caller: Caller) -> str | None:
    """End the SSO session (every app's sign-in rests on it); return the service to go to, if registered."""
    if session_id and len(session_id) <= 128:
        session = store.get_session(session_hash(session_id))
        store.delete_session(session_hash(session_id))
        if session is not None:
            audit.record(store, session.identifier, "logout", now, caller, detail=PROTOCOL)
    if service and len(service) <= SERVICE_URL_MAX_LENGTH and store.find_cas_service(service) is not None:
        return service
    return None
