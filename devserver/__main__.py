"""`python -m devserver` (`make run`): the local stack, until Ctrl-C or SIGTERM."""

from __future__ import annotations

import logging
import signal
import sys
import time
from types import FrameType

from devserver.environment import HOST, MAIL_FROM, TABLE_NAME, PortError, Ports, export_lines
from devserver.stack import LocalStack

WAKE_SECONDS = 0.2
logger = logging.getLogger("devserver")


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # SIGINT and SIGTERM stop the stack the same way


def _configure_logging() -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", datefmt="%H:%M:%S"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def banner(stack: LocalStack) -> list[str]:
    """Return what a person needs: addresses, demo credentials, the lines for `ent-admin`."""
    from devserver.seed import credentials_table
    from devserver.seed_staff import staff_table

    web = f"http://{HOST}:{stack.web_port}"
    lines = [
        "",
        "ENT Parents - pile locale de développement / local development stack",
        f"  AWS simulé (moto) / embedded AWS : http://{HOST}:{stack.aws_port}",
        f"  Table DynamoDB (depuis infra/template.yaml) : {TABLE_NAME}",
        f"  Expéditeur SES vérifié / verified SES sender : {MAIL_FROM}",
        "",
        "Comptes de démonstration / demo accounts (profil « parent » ou « élève » à la connexion) :",
        *credentials_table(stack.demo_accounts),
        "",
        f"Console du secrétariat / secretariat's console : {web}/secretariat/ (mot de passe + code TOTP) :",
        *staff_table(stack.demo_staff),
        "",
        "Pour utiliser ent-admin sur cette pile, dans un autre terminal / to point ent-admin here:",
        *(f"  {line}" for line in export_lines(stack.web_port, stack.aws_port)),
        "",
        "Attention : les données ne vivent qu'en mémoire, le temps de ce processus ; tout est effacé à l'arrêt.",
        "Warning: the data lives in memory only, as long as this process runs; stopping erases it.",
        "",
        f"  Centre d'aide + API / site + API : {web}/",
        f"  Boîte mail de développement / dev mailbox : {web}/_dev/mailbox  (JSON : {web}/_dev/mailbox.json)",
    ]
    if not stack.site.is_built():
        lines.append("  Le site n'est pas construit (site/index.html manquant) : lancez « make site ».")
    return [*lines, "Ctrl-C pour arrêter / to stop.", ""]


def main() -> int:
    """Run the stack until interrupted; return the exit code."""
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # lines appear at once in a pipe
    # Explicit for SIGINT too: a shell starting us in the background would have us ignore it.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    _configure_logging()
    stack = LocalStack()
    try:
        print("Démarrage de la pile locale… / starting the local stack…")
        stack.start(Ports.from_env())
        print("\n".join(banner(stack)))
        # Short sleeps: a signal caught by another thread only runs its handler here, between waits.
        while True:
            time.sleep(WAKE_SECONDS)
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the cleanup short
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stack.stop()
        print("Pile locale arrêtée, données effacées. Au revoir ! / Local stack stopped. Goodbye!")
        return 0
    except PortError as error:
        print(f"Impossible de démarrer : {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
