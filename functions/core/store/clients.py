"""The registered apps (OIDC clients, CAS services): one partition, a few dozen items at most."""

from __future__ import annotations

from functions.core.clients import Client, Protocol, service_matches
from functions.core.store import keys
from functions.core.store.dynamodb import Table
from functions.core.store.items import client_from_item, client_to_item


class ClientOperations(Table):
    def put_client(self, client: Client) -> None:
        """Register the app (a new client_id each time: nothing is overwritten by chance)."""
        self._put(client_to_item(client))

    def get_client(self, client_id: str) -> Client | None:
        if not client_id or len(client_id) > 128:
            return None
        item = self._get(keys.client_key(client_id))
        return client_from_item(item) if item else None

    def list_clients(self) -> list[Client]:
        """Return every registered app, sorted by name."""
        items = self._query("pk = :pk", {":pk": keys.CLIENTS_PARTITION})
        return sorted((client_from_item(item) for item in items), key=lambda client: (client.name, client.client_id))

    def remove_client(self, client_id: str) -> bool:
        """Forget the app; return whether it was registered."""
        if self.get_client(client_id) is None:
            return False
        self._delete(keys.client_key(client_id))
        return True

    def find_cas_service(self, service_url: str) -> Client | None:
        """Return the CAS service whose registered URL `service_url` names (scheme, host, port, path)."""
        for client in self.list_clients():
            if client.protocol == Protocol.CAS and any(
                service_matches(registered, service_url) for registered in client.service_urls
            ):
                return client
        return None
