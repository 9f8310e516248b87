"""`make package-check`: run the built artifact (build/lambda/) on arm64 Python 3.13, emulated, against a local AWS.

`make package` builds for the template's runtime and CPU, which this machine is not: this runs it
there, one event per function of infra/template.yaml (every function, so new ones are covered):

- an arm64 Debian trixie root (its python3 is 3.13, Lambda's), made once with `mmdebstrap` (about
  5 minutes) and kept in a cache outside the clone, keyed by `ROOT_KEY`; its Python runs under
  `qemu-aarch64-static -L ROOT` (Debian's qemu-user-static; binfmt_misc only to build the root);
- the Lambda runtime's botocore beside the artifact: the pinned version's pure-Python wheels, cached;
- moto's server on 127.0.0.1 with the template's table and queues and a verified sender;
- per function, a representative event: for an API function its GET route (or its first route),
  which must answer below 500 with a JSON body (a wrong-password login must answer 401); a scheduled
  function gets the scheduler's event, a queue's worker an SQS event with no record: both must return.

Needs root the first time (apt-get, binfmt_misc, mmdebstrap); after that, only the cache.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

from infra.package import BUILD, ROOT, tested_versions
from infra.template import function_limits, load_template

ROOT_KEY = "arm64-trixie-python3-v1"  # change it to make a new root (another suite, more packages)
PYTHON = "/usr/bin/python3.13"
PACKAGES = ("qemu-user-static", "binfmt-support", "mmdebstrap")
RUNNER = Path(__file__).resolve().parent / "lambda_runner.py"
MARKER = "@package-check "  # infra/lambda_runner.py's, before each of its lines
RUN_SECONDS = 1200  # emulated: about 25 s to import a handler, seconds per argon2 hash


class CheckFailed(RuntimeError):
    """Something the check needs is missing, or a function did not answer as it should."""


def cache_dir(environ: dict[str, str] | os._Environ[str] = os.environ) -> Path:
    """Where the root and the runtime's botocore are kept: outside the clone, shared by clones."""
    if environ.get("ENT_PARENTS_CACHE"):
        return Path(environ["ENT_PARENTS_CACHE"])
    if os.geteuid() == 0:
        return Path("/var/cache/ent-parents")
    return Path(environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ent-parents"


def _run(command: list[str], **kwargs: Any) -> None:
    print("  $ " + " ".join(command), flush=True)
    subprocess.run(command, check=True, **kwargs)


def ensure_emulator() -> str:
    """Return qemu-aarch64-static's path, installing Debian's packages when root."""
    found = shutil.which("qemu-aarch64-static")
    if found and shutil.which("mmdebstrap"):
        return found
    if os.geteuid() != 0:
        raise CheckFailed(f"needs Debian's {', '.join(PACKAGES)}: run 'sudo apt-get install {' '.join(PACKAGES)}'.")
    _run(["apt-get", "update", "-qq"])
    _run(["apt-get", "install", "-y", "-qq", *PACKAGES], env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    return shutil.which("qemu-aarch64-static") or "qemu-aarch64-static"


def ensure_binfmt() -> None:
    """Let the kernel run arm64 programs through qemu (mmdebstrap runs the root's package scripts)."""
    misc = Path("/proc/sys/fs/binfmt_misc")
    if not (misc / "register").exists():
        _run(["mount", "binfmt_misc", "-t", "binfmt_misc", str(misc)])
    if not (misc / "qemu-aarch64").exists():
        _run(["update-binfmts", "--enable", "qemu-aarch64"])


def ensure_root(cache: Path) -> Path:
    """Return the arm64 trixie root with python3, made the first time (about 5 minutes)."""
    root = cache / ROOT_KEY
    if (root / PYTHON.lstrip("/")).exists():
        return root
    if os.geteuid() != 0:
        raise CheckFailed(f"no arm64 root in {root}: run 'sudo make package-check' once to make it.")
    ensure_binfmt()
    partial = cache / f"{ROOT_KEY}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    cache.mkdir(parents=True, exist_ok=True)
    print(f"Making the arm64 Debian trixie root in {root} (once, about 5 minutes)...", flush=True)
    _run(["mmdebstrap", "--arch=arm64", "--variant=apt", "--include=python3", "--quiet", "trixie", str(partial)])
    partial.rename(root)
    return root


def pinned(name: str) -> str:
    """The version pyproject.toml pins for `name`."""
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    for requirement in dependencies:
        if requirement.split("==")[0].strip().lower() == name:
            return requirement.split("==")[1].split(";")[0].strip()
    raise CheckFailed(f"pyproject.toml pins no {name}")


def ensure_runtime_botocore(cache: Path) -> Path:
    """Return a folder holding the botocore the Lambda runtime provides (pure Python), at the pinned version."""
    version = pinned("botocore")
    target = cache / f"lambda-runtime-botocore-{version}"
    if (target / "botocore" / "__init__.py").exists():
        return target
    partial = cache / f"lambda-runtime-botocore-{version}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    constraints = cache / "constraints.txt"
    cache.mkdir(parents=True, exist_ok=True)
    constraints.write_text("\n".join(tested_versions()) + "\n", encoding="utf-8")
    _run(
        [
            *(sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile"),
            *("--target", str(partial), "--only-binary=:all:", "--implementation", "cp", "--python-version", "3.13"),
            *("--platform", "manylinux2014_aarch64", "--constraint", str(constraints), f"botocore=={version}"),
        ]
    )
    partial.rename(target)
    return target


def _queues(template: dict[str, Any]) -> list[str]:
    return [logical_id for logical_id, r in template["Resources"].items() if r["Type"] == "AWS::SQS::Queue"]


def function_environment(
    logical_id: str, base: dict[str, str], queues: dict[str, dict[str, str]], template: dict[str, Any] | None = None
) -> dict[str, str]:
    """The function's variables from the template: plain values as written, a queue's Ref or GetAtt resolved
    in moto; any other reference (table, parameters, secrets) takes the local stack's value, else is left out."""
    template = template or load_template()
    declared = {
        **template.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {}),
        **template["Resources"][logical_id]["Properties"].get("Environment", {}).get("Variables", {}),
    }
    environment = dict(base)
    for name, value in declared.items():
        if isinstance(value, str):
            environment[name] = value
        elif isinstance(value, dict) and value.get("Ref") in queues:
            environment[name] = queues[value["Ref"]]["url"]
        elif isinstance(value, dict) and isinstance(value.get("Fn::GetAtt"), list) and value["Fn::GetAtt"][0] in queues:
            attribute = value["Fn::GetAtt"][1]
            environment[name] = queues[value["Fn::GetAtt"][0]]["arn" if attribute == "Arn" else "name"]
    return environment


def local_aws() -> tuple[Any, dict[str, str], dict[str, dict[str, str]]]:
    """moto's server on loopback with the template's table, queues and sender; its variables and queues."""
    import boto3

    from devserver.aws import create_table, moto_port, start_moto, verify_sender
    from devserver.environment import MAIL_FROM, TABLE_NAME, stack_variables

    server = start_moto(0)
    variables = stack_variables(8000, moto_port(server))
    session = boto3.session.Session(
        aws_access_key_id=variables["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=variables["AWS_SECRET_ACCESS_KEY"],
        region_name=variables["AWS_DEFAULT_REGION"],
    )
    endpoint = variables["AWS_ENDPOINT_URL"]
    create_table(session.client("dynamodb", endpoint_url=endpoint), TABLE_NAME)
    verify_sender(
        session.client("ses", endpoint_url=endpoint), session.client("sesv2", endpoint_url=endpoint), MAIL_FROM
    )
    sqs = session.client("sqs", endpoint_url=endpoint)
    queues: dict[str, dict[str, str]] = {}
    for logical_id in _queues(load_template()):
        url = sqs.create_queue(QueueName=logical_id)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        queues[logical_id] = {"url": url, "arn": arn, "name": logical_id}
    return server, variables, queues


def serve(emulator: str, root: Path, runtime: Path, artifact: Path) -> int:
    """Serve every probe in the emulated Python; print one line per probe; return the number failed."""
    from infra.package_events import probes, verdict

    server, variables, queues = local_aws()
    try:
        found = probes(variables["ENT_PUBLIC_URL"])
        failed = 0
        # One emulated process per function, as on Lambda (each its own environment and imports).
        for function in dict.fromkeys(probe.function for probe in found):
            own = [probe for probe in found if probe.function == function]
            jobs = [
                {
                    "function": function,
                    "handler": p.handler,
                    "event": p.event,
                    "timeout": function_limits(function)["Timeout"],
                }
                for p in own
            ]
            environment = function_environment(function, variables, queues)
            environment.update(PYTHONPATH=f"{artifact}:{runtime}", PYTHONDONTWRITEBYTECODE="1", PYTHONNOUSERSITE="1")
            completed = subprocess.run(
                [emulator, "-L", str(root), str(root / PYTHON.lstrip("/")), "-B", str(RUNNER)],
                input=json.dumps(jobs),
                capture_output=True,
                text=True,
                env={**environment, "PATH": os.environ.get("PATH", "/usr/bin:/bin")},
                timeout=RUN_SECONDS,
            )
            lines = [
                json.loads(line[len(MARKER) :]) for line in completed.stdout.splitlines() if line.startswith(MARKER)
            ]
            platform, outcomes = (lines[0], lines[1:]) if lines else ({}, [])
            for index, probe in enumerate(own):
                outcome = (
                    outcomes[index] if index < len(outcomes) else {"error": completed.stderr[-600:] or "no answer"}
                )
                problem = verdict(probe, outcome)
                failed += problem is not None
                result = outcome.get("result")
                status = result.get("statusCode") if isinstance(result, dict) else None
                print(
                    f"  {'ok  ' if problem is None else 'FAIL'} {function:<26} {probe.what:<32} "
                    f"{platform.get('machine', '?')} Python {platform.get('python', '?')}  "
                    f"import {outcome.get('import_s', '?')} s, event {outcome.get('event_s', '?')} s"
                    + (f", {status}" if status else "")
                    + (f"  <- {problem}" if problem else ""),
                    flush=True,
                )
                if problem and outcome.get("trace"):
                    print(outcome["trace"], file=sys.stderr)
        return failed
    finally:
        server.stop()


def main() -> int:
    artifact = BUILD / "lambda"
    if not (artifact / "functions").is_dir():
        print("No artifact in build/lambda/: run 'make package' first.", file=sys.stderr)
        return 1
    try:
        emulator = ensure_emulator()
        cache = cache_dir()
        root = ensure_root(cache)
        runtime = ensure_runtime_botocore(cache)
    except (CheckFailed, subprocess.CalledProcessError) as problem:
        print(f"package-check: {problem}", file=sys.stderr)
        return 1
    print(f"Serving one event per function of infra/template.yaml from {artifact} on arm64 (emulated, {root})...")
    failed = serve(emulator, root, runtime, artifact)
    print(f"package-check: {'every function answered' if not failed else f'{failed} event(s) failed'}.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
