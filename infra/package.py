"""Build the Lambda artifact as `sam build` would, for the template's runtime and architecture.

One artifact serves every function (they share functions/core; each has its own handler):
build/lambda/ (what the template's CodeUri points at, which `sam deploy` zips and uploads) and
build/lambda.zip (to look at, or upload by hand). Usage: `make package` (`python -m infra.package`).

- The dependencies are pyproject.toml's [project].dependencies, the one list, less what the Lambda
  Python runtime already provides (boto3 and its own dependencies); everything else, the C parts of
  argon2 and cffi included, is installed as manylinux wheels for the runtime's Python and CPU.
- Versions are held to those of the virtual environment the tests ran in (a constraints file made
  from it), so the artifact runs what was tested.
- functions/ is copied without caches. The artifact's size is printed (goal: 10 MB zipped at most;
  cryptography, for the OIDC provider's keys, is 13 MB of it unzipped, its Rust core, and the console's
  letters bring fontTools, cut, and three DejaVu faces, 5.4 MB; Lambda's own limits are 50 MB zipped
  and 250 MB unzipped, and only what a function imports costs its cold start).
- The console's letters (functions/core/pdf.py) need fontTools and DejaVu Sans: fontTools is cut
  to the parts its TrueType reading and subsetting import (30 MB installed, ~4.5 MB once cut, ~1 MB
  zipped; pure Python: its optional C speed-ups go too), and the three DejaVu faces the letters use
  are copied to fonts/ (the template's ENT_LETTER_FONTS=/var/task/fonts), since Lambda has no fonts.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

from infra.template import load_template

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"
# What every Lambda Python runtime ships; installing it again would only grow the artifact.
PROVIDED_BY_THE_RUNTIME = {"boto3", "botocore", "s3transfer", "jmespath", "urllib3", "python-dateutil", "six"}
GOAL_BYTES = 10 * 1024 * 1024
# Lambda's Python 3.12+ runtimes run on Amazon Linux 2023 (glibc 2.34).
PLATFORMS = {
    "arm64": ("manylinux2014_aarch64", "manylinux_2_28_aarch64"),
    "x86_64": ("manylinux2014_x86_64", "manylinux_2_28_x86_64"),
}
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
# fontTools' parts the letters never import (tests/infra/test_package.py lays a letter out without them).
FONTTOOLS_UNUSED = (
    "voltLib",
    "ufoLib",
    "cu2qu",
    "qu2cu",
    "mtiLib",
    "svgLib",
    "merge",
    "t1Lib",
    "afmLib",
    "fontBuilder.py",
    "help.py",
    "tfmLib.py",
    "ttx.py",
    "__main__.py",
)
COMPILED_SPEEDUPS = ("*.so", "*.c", "*.pyx", "*.pxd")
FONTS_DIR = "fonts"


def _name(requirement: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    if not match:
        raise ValueError(f"not a requirement: {requirement!r}")
    return re.sub(r"[-_.]+", "-", match.group(1)).lower()


def runtime_requirements(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """pyproject.toml's runtime dependencies, less those the Lambda runtime provides."""
    dependencies = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    return [requirement for requirement in dependencies if _name(requirement) not in PROVIDED_BY_THE_RUNTIME]


def lambda_target() -> tuple[str, str]:
    """(Python version, architecture) of the functions, from infra/template.yaml."""
    function = load_template()["Globals"]["Function"]
    (architecture,) = function["Architectures"]
    return function["Runtime"].removeprefix("python"), architecture


def tested_versions() -> list[str]:
    """name==version of every distribution in this environment: the versions the tests ran with."""
    pins = {}
    for distribution in metadata.distributions():
        name = distribution.metadata["Name"]
        if name and _name(name) != "ent-parents":
            pins[_name(name)] = f"{_name(name)}=={distribution.version}"
    return sorted(pins.values())


def install(target: Path, python_version: str, architecture: str) -> None:
    requirements = runtime_requirements()
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as constraints:
        constraints.write("\n".join(tested_versions()) + "\n")
    try:
        command = [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-compile",
            "--target",
            str(target),
            "--implementation",
            "cp",
            "--python-version",
            python_version,
            "--only-binary=:all:",
            "--constraint",
            constraints.name,
        ]
        for platform in PLATFORMS[architecture]:
            command += ["--platform", platform]
        subprocess.run(command + requirements, check=True)
    finally:
        os.unlink(constraints.name)
    shutil.rmtree(target / "bin", ignore_errors=True)  # console scripts: nothing runs them on Lambda
    for cache in target.rglob("__pycache__"):
        shutil.rmtree(cache, ignore_errors=True)


def copy_code(target: Path) -> None:
    shutil.copytree(
        ROOT / "functions",
        target / "functions",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "tests", "test_*.py"),
    )


def prune_fonttools(target: Path) -> None:
    """Cut fontTools to what the letters import, pure Python (its C speed-ups are optional)."""
    root = target / "fontTools"
    for name in FONTTOOLS_UNUSED:
        path = root / name
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    for pattern in COMPILED_SPEEDUPS:
        for path in root.rglob(pattern):
            path.unlink()


def copy_fonts(target: Path) -> None:
    """Ship the letters' three DejaVu faces (fonts-dejavu-core on the building machine)."""
    from functions.core.pdf import FONT_FILES, font_dir

    source = font_dir()
    (target / FONTS_DIR).mkdir(exist_ok=True)
    for name in FONT_FILES.values():
        shutil.copy2(source / name, target / FONTS_DIR / name)


def zip_directory(source: Path, archive: Path) -> None:
    """A reproducible zip: sorted entries, fixed times, modes kept."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bundle:
        for path in sorted(source.rglob("*")):
            if path.is_dir():
                continue
            info = zipfile.ZipInfo(str(path.relative_to(source)), FIXED_TIME)
            info.external_attr = ((0o755 if os.access(path, os.X_OK) else 0o644) | 0o100000) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(info, path.read_bytes(), compresslevel=9)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.2f} MB"


def _function_names() -> list[str]:
    resources = load_template()["Resources"]
    return [name for name, resource in resources.items() if resource["Type"] == "AWS::Serverless::Function"]


def report(source: Path, archive: Path) -> int:
    unzipped = sum(path.stat().st_size for path in source.rglob("*") if path.is_file())
    zipped = archive.stat().st_size
    print(
        f"{archive.relative_to(ROOT)}: {_megabytes(zipped)} zipped, {_megabytes(unzipped)} unzipped "
        f"- one artifact for every function ({', '.join(_function_names())})"
    )
    sizes: dict[str, int] = {}
    for path in source.rglob("*"):
        if path.is_file():
            top = path.relative_to(source).parts[0]
            sizes[top] = sizes.get(top, 0) + path.stat().st_size
    for top, size in sorted(sizes.items(), key=lambda item: -item[1])[:8]:
        print(f"  {_megabytes(size):>9}  {top}")
    if zipped > GOAL_BYTES:
        print(f"over the {_megabytes(GOAL_BYTES)} goal", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=BUILD, help="build directory (default: build/)")
    arguments = parser.parse_args(argv)
    python_version, architecture = lambda_target()
    target = arguments.out / "lambda"
    archive = arguments.out / "lambda.zip"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    print(f"Building the Lambda artifact for python{python_version} on {architecture}...")
    install(target, python_version, architecture)
    prune_fonttools(target)
    copy_code(target)
    copy_fonts(target)
    zip_directory(target, archive)
    return report(target, archive)


if __name__ == "__main__":
    sys.exit(main())
