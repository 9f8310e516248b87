"""Start and stop the pieces of the local stack, in order, each stop registered as it starts."""

from __future__ import annotations

import threading
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from werkzeug.serving import BaseWSGIServer, make_server

from devserver import demo_apps, environment, mailbox
from devserver.api import LocalApi
from devserver.app import DevApp
from devserver.aws import create_signing_key, create_table, moto_port, start_moto, verify_sender
from devserver.environment import HOST, LETTERS_BUCKET, MAIL_FROM, REGION, TABLE_NAME, Ports, check_port_free
from devserver.lambdas import Functions
from devserver.schedule import Scheduler
from devserver.site import StaticSite
from infra.template import create_letters_bucket, queue_environment, routes, schedules

if TYPE_CHECKING:
    from devserver.seed import DemoAccount  # imports the core: only once the environment is set
    from devserver.seed_staff import DemoStaff


@dataclass
class LocalStack:
    """Moto, the table, the demo accounts, the web server and the schedule, started together."""

    site: StaticSite = field(default_factory=StaticSite)
    web_port: int = 0
    aws_port: int = 0
    demo_accounts: list[DemoAccount] = field(default_factory=list)
    demo_staff: list[DemoStaff] = field(default_factory=list)
    _stops: ExitStack = field(default_factory=ExitStack)
    _http: BaseWSGIServer | None = None

    def start(self, ports: Ports) -> None:
        """Start everything; on failure, stop what had started and re-raise."""
        try:
            self._start(ports)
        except BaseException:
            self.stop()
            raise

    def _start(self, ports: Ports) -> None:
        check_port_free(ports.web, "PORT")
        moto = start_moto(ports.aws)
        self._stops.callback(moto.stop)
        self.aws_port = moto_port(moto)

        functions = Functions()
        app = DevApp(LocalApi(routes(), functions), self.site)
        self._http = make_server(HOST, ports.web, app, threaded=True)
        self._stops.callback(self._http.server_close)
        self.web_port = self._http.server_port

        # From here on boto3, and the handlers imported below, see the embedded AWS only.
        environment.apply(environment.stack_variables(self.web_port, self.aws_port))
        mailbox.record()
        self._stops.callback(mailbox.stop_recording)
        self._prepare_aws()

        serving = threading.Thread(target=self._http.serve_forever, name="devserver-http", daemon=True)
        serving.start()
        self._stops.callback(self._http.shutdown)

        self._start_queues(functions)  # before the schedule: its first run sends to them

        scheduler = Scheduler(functions, schedules())
        scheduler.start()
        self._stops.callback(scheduler.stop)

    def _prepare_aws(self) -> None:
        import boto3  # after environment.apply: the clients point at moto

        from devserver.seed import seed_demo_accounts
        from devserver.seed_staff import seed_demo_staff
        from functions.core.store import Store

        session = boto3.session.Session()
        create_table(session.client("dynamodb"), TABLE_NAME)
        verify_sender(session.client("ses"), session.client("sesv2"), MAIL_FROM)
        create_letters_bucket(session.client("s3"), LETTERS_BUCKET, REGION)
        create_signing_key(session.client("kms"), environment.OIDC_KEY_ALIAS)
        store = Store(TABLE_NAME)
        self.demo_accounts = seed_demo_accounts(store, datetime.now(UTC))
        self.demo_staff = seed_demo_staff(store, datetime.now(UTC))
        demo_apps.register_all(store, self.web_port)  # the demo apps, as `ent-admin client add` would

    def _start_queues(self, functions: Functions) -> None:
        import boto3

        from devserver.queues import QueuePoller, create_queues

        sqs = boto3.session.Session().client("sqs")
        urls = create_queues(sqs, TABLE_NAME)
        environment.apply({name: urls[queue] for name, queue in queue_environment().items()})
        poller = QueuePoller(functions, sqs, urls)
        poller.start()
        self._stops.callback(poller.stop)

    def stop(self) -> None:
        """Stop the schedule, the web server and moto (the reverse of their start)."""
        self._stops.close()
