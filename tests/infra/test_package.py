"""`make package` (infra/package.py): what goes into the Lambda artifact, without building it (no network)."""

from __future__ import annotations

import tomllib
import zipfile
from pathlib import Path

from infra import package

ROOT = Path(__file__).resolve().parents[2]


def test_dependencies_are_pyprojects_less_what_the_runtime_provides():
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    shipped = package.runtime_requirements()
    assert shipped == [d for d in dependencies if package._name(d) not in package.PROVIDED_BY_THE_RUNTIME]
    assert {package._name(d) for d in shipped} >= {"flask", "apig-wsgi", "argon2-cffi", "email-validator"}
    assert not {package._name(d) for d in shipped} & package.PROVIDED_BY_THE_RUNTIME


def test_builds_for_the_templates_runtime_and_architecture():
    version, architecture = package.lambda_target()
    assert version.startswith("3.1") and architecture == "arm64"
    assert package.PLATFORMS[architecture][0] == "manylinux2014_aarch64"
    assert any(pin.startswith("flask==") for pin in package.tested_versions())


def test_the_code_is_copied_without_caches_and_zipped_reproducibly(tmp_path: Path):
    target = tmp_path / "lambda"
    target.mkdir()
    package.copy_code(target)
    assert (target / "functions" / "login" / "handler.py").exists()
    assert (target / "functions" / "core" / "data" / "common-passwords.txt.gz").exists()
    assert not list(target.rglob("__pycache__"))
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    package.zip_directory(target, first)
    package.zip_directory(target, second)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        assert "functions/sweep/handler.py" in archive.namelist()


def test_the_letters_still_lay_out_with_fonttools_cut_as_the_artifact_ships_it(tmp_path: Path):
    """A pruned copy of fontTools and the shipped fonts draw a letter, in a fresh interpreter."""
    import shutil
    import subprocess
    import sys

    import fontTools

    shutil.copytree(Path(fontTools.__file__).parent, tmp_path / "fontTools")
    package.prune_fonttools(tmp_path)
    package.copy_fonts(tmp_path)
    assert not list((tmp_path / "fontTools").rglob("*.so"))
    assert not (tmp_path / "fontTools" / "ufoLib").exists()
    script = (
        "import sys; from datetime import date\n"
        "from functions.core.letters import Letter, letters_pdf\n"
        "from functions.core.lifecycle import Profile\n"
        "import fontTools; assert fontTools.__file__.startswith(sys.argv[1]), fontTools.__file__\n"
        "letter = Letter(school='0750654D', display_name='Thị Hương Nguyễn', profile=Profile.ELEVE,"
        " identifier='thi.nguyen', initial_password='Abcdefgh23', activation_deadline=date(2027, 2, 28),"
        " deletion_date=date(2027, 11, 30), issued_on=date(2026, 11, 30))\n"
        "assert letters_pdf([letter], 'https://aide.ent.example.fr').startswith(b'%PDF')\n"
    )
    environment = {"PYTHONPATH": f"{tmp_path}:{ROOT}", "ENT_LETTER_FONTS": str(tmp_path / package.FONTS_DIR)}
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
