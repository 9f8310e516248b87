"""The letter « Mise à disposition de services en ligne »: one A4 page per account, in French."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from datetime import date

from functions.core.accounts import IssuedAccount
from functions.core.errors import DomainError
from functions.core.lifecycle import Profile
from functions.core.password_policy import RULE_TEXT
from functions.core.pdf import A4_HEIGHT_MM, A4_WIDTH_MM, Document, Page, text_width, undrawable, wrap
from functions.core.roster import Refusal, Roster

TITLE = "Mise à disposition de services en ligne"
MARGIN = 18.0
WIDTH = A4_WIDTH_MM - 2 * MARGIN
QR_SIZE = 30.0
BODY_SIZE = 10.0  # DejaVu Sans is a little wider than Helvetica: 10 pt sets what 10.5 did
SCHOOL_WIDTH = 105.0  # the school's name, top right, beside « ENT - Espace numérique de travail »


@dataclass(frozen=True)
class Letter:
    """What one letter says; the password is in clear here and nowhere else."""

    school: str
    display_name: str
    profile: Profile
    identifier: str
    initial_password: str
    activation_deadline: date
    deletion_date: date
    issued_on: date
    classe: str | None = None
    first_name: str | None = None  # a parent's letter names the child: « Compte parent pour : Zoé, 6e B »
    school_name: str | None = None  # from the school directory (`ent-admin school set`); else the UAI


def account_line(letter: Letter) -> str:
    """Whose account this is: for a parent, the child it is for (a family with two tells them apart)."""
    if letter.profile == Profile.PARENT:
        child = ", ".join(part for part in (letter.first_name or letter.display_name, letter.classe) if part)
        return f"Compte parent pour : {child}"
    return "Élève" + (f" - classe {letter.classe}" if letter.classe else "")


def first_connection_steps(profile: Profile, help_url: str) -> list[str]:
    """Return the numbered steps of the first connection, as the help centre tells them."""
    birth_date = "la date de naissance de votre enfant" if profile == Profile.PARENT else "votre date de naissance"
    profile_name = "Parent" if profile == Profile.PARENT else "Élève"
    return [
        f"Ouvrez le centre d'aide {help_url} (ou scannez le code ci-dessous), "
        "puis cliquez sur « Se connecter à l'ENT ».",
        f"Choisissez le profil « {profile_name} ».",
        "Saisissez l'identifiant et le mot de passe provisoire ci-dessus, puis cliquez sur « Se connecter ».",
        f"Pour sécuriser votre compte, saisissez {birth_date} (JJ/MM/AAAA) "
        "et une adresse électronique personnelle valide, que vous consultez.",
        "Choisissez votre nouveau mot de passe et saisissez-le deux fois, puis cliquez sur « Enregistrer ».",
        "Ouvrez votre messagerie personnelle : dans le message reçu, cliquez sur le lien d'activation "
        "du compte, puis sur « Activer mon compte ».",
    ]


def _fit(text: str, face: str, sizes: tuple[float, ...], width: float, max_lines: int = 1) -> tuple[str, float]:
    """Return `text` and the largest size at which it takes at most `max_lines` lines (else cut)."""
    for size in sizes:
        if len(wrap(text, face, size, width)) <= max_lines:
            return text, size
    size = sizes[-1]
    kept = wrap(text, face, size, width)[:max_lines]
    kept[-1] = kept[-1][: max(1, len(kept[-1]) - 2)] + "…"
    return " ".join(kept), size


class _Writer:
    """A cursor going down one page."""

    def __init__(self, page: Page) -> None:
        self.page, self.y = page, MARGIN

    def paragraph(
        self,
        text: str,
        *,
        face: str = "regular",
        size: float = BODY_SIZE,
        indent: float = 0.0,
        width: float = WIDTH,
        gap: float = 1.8,
    ) -> None:
        leading = size * 0.47
        for line in wrap(text, face, size, width - indent):
            self.y += leading
            self.page.text(MARGIN + indent, self.y, line, face=face, size=size)
        self.y += gap

    def numbered(self, number: int, text: str, width: float = WIDTH) -> None:
        size, leading = BODY_SIZE, BODY_SIZE * 0.47
        self.page.text(MARGIN, self.y + leading, f"{number}.", face="bold", size=size)
        self.paragraph(text, indent=6.0, width=width, gap=1.2)


def require_qr() -> None:
    """Refuse early, before any account changes, if the QR library is not installed."""
    if importlib.util.find_spec("segno") is None:
        raise DomainError("le module segno manque pour les codes QR des lettres : pip install -e '.[admin]'")


def _draw_qr(page: Page, url: str, x: float, y: float) -> None:
    """Draw the QR code of `url` as black rectangles, a run of modules at a time."""
    import segno

    rows = [list(row) for row in segno.make(url, error="m", micro=False).matrix_iter(border=2)]
    module = QR_SIZE / len(rows)
    for row_number, row in enumerate(rows):
        column = 0
        while column < len(row):
            if row[column]:
                start = column
                while column < len(row) and row[column]:
                    column += 1
                page.rectangle(x + start * module, y + row_number * module, (column - start) * module, module, fill=0.0)
            else:
                column += 1


def draw_letter(page: Page, letter: Letter, help_url: str) -> None:
    """Lay one letter out on `page`."""
    write = _Writer(page)
    page.text(MARGIN, write.y, "ENT - Espace numérique de travail", face="bold", size=9, gray=0.35)
    page.text(MARGIN, write.y + 5, "Notification d'identifiant", size=9, gray=0.35)
    school_line, school_size = _fit(
        f"{letter.school_name} ({letter.school})" if letter.school_name else f"Établissement {letter.school}",
        "bold",
        (10, 9, 8),
        SCHOOL_WIDTH,
    )
    page.text(
        A4_WIDTH_MM - MARGIN - text_width(school_line, "bold", school_size),
        write.y,
        school_line,
        face="bold",
        size=school_size,
    )
    dated = f"Le {letter.issued_on:%d/%m/%Y}"
    page.text(A4_WIDTH_MM - MARGIN - text_width(dated, "regular", 9), write.y + 5, dated, size=9)
    write.y += 12
    write.paragraph("Personnel et confidentiel, à l'attention de :", size=9)
    name, size = _fit(letter.display_name, "bold", (13, 11, 9.5), WIDTH, max_lines=2)
    write.paragraph(name, face="bold", size=size, gap=0.8)
    # One line whatever the names: the child's name is already printed whole just above.
    line, size = _fit(account_line(letter), "regular", (10, 9, 8), WIDTH)
    write.paragraph(line, size=size, gap=6)
    write.paragraph(TITLE, face="bold", size=17, gap=2.5)
    write.paragraph(
        "L'établissement vous ouvre un compte sur l'ENT, l'espace numérique de travail. "
        "Voici vos informations de connexion : gardez ce courrier jusqu'à l'activation de votre compte.",
        gap=3,
    )
    box_top = write.y
    page.rectangle(MARGIN, box_top, WIDTH, 27, fill=0.93, stroke=0.55)
    for offset, (label, value) in enumerate(
        (("Identifiant", letter.identifier), ("Mot de passe provisoire", letter.initial_password))
    ):
        baseline = box_top + 10 + offset * 10
        page.text(MARGIN + 5, baseline, f"{label} :", size=BODY_SIZE)
        value_width = WIDTH - 55 - 4
        page.text(
            MARGIN + 55, baseline, value, face="mono", size=min(16.0, 16 * value_width / text_width(value, "mono", 16))
        )
    write.y = box_top + 27 + 6
    write.paragraph(f"À activer au plus tard le {letter.activation_deadline:%d/%m/%Y}.", face="bold", size=12, gap=4)
    write.paragraph("Première connexion, étape par étape", face="bold", size=12, gap=1.5)
    for number, step in enumerate(first_connection_steps(letter.profile, help_url), start=1):
        write.numbered(number, step)
    write.paragraph(
        "C'est terminé : connectez-vous ensuite avec votre identifiant et votre nouveau mot de passe. "
        "Le mot de passe provisoire ne sert qu'une fois ; l'identifiant, lui, ne change jamais.",
        gap=3,
    )
    rule_top = write.y
    page.rectangle(MARGIN, rule_top, WIDTH, 9, stroke=0.3)
    page.text(MARGIN + 4, rule_top + 6, f"Votre nouveau mot de passe : {RULE_TEXT}", face="bold", size=BODY_SIZE)
    write.y = rule_top + 9 + 5
    write.paragraph("Délais", face="bold", size=12, gap=1.2)
    write.paragraph(
        f"Faites ces opérations dans les 3 mois, au plus tard le {letter.activation_deadline:%d/%m/%Y}. "
        "Sans quoi votre compte sera désactivé : contactez alors l'établissement pour le faire vérifier."
    )
    write.paragraph(
        f"Un compte jamais activé est supprimé après un an, le {letter.deletion_date:%d/%m/%Y}. "
        "Il faut alors demander à l'établissement un nouvel identifiant.",
        gap=4,
    )
    help_top = write.y
    text_width_mm = WIDTH - QR_SIZE - 6
    write.paragraph("Besoin d'aide ?", face="bold", size=12, width=text_width_mm, gap=1.2)
    write.paragraph(f"Centre d'aide : {help_url}", face="bold", width=text_width_mm)
    write.paragraph(
        "Identifiant ou mot de passe oublié, compte bloqué, courriel non reçu : les réponses y sont, "
        "pas à pas. Pour tout autre problème, adressez-vous au secrétariat de l'établissement.",
        width=text_width_mm,
        gap=2,
    )
    write.paragraph(
        "Ne communiquez jamais votre mot de passe : personne, ni l'établissement ni l'ENT, ne vous le demandera.",
        size=9,
        width=text_width_mm,
    )
    _draw_qr(page, help_url, A4_WIDTH_MM - MARGIN - QR_SIZE, help_top + 1)
    write.y = max(write.y, help_top + QR_SIZE + 2)
    if write.y > A4_HEIGHT_MM - 8:
        raise RuntimeError(f"letter layout overflows the page ({write.y:.0f} mm)")


def letters_pdf(letters: list[Letter], help_url: str) -> bytes:
    """Return one PDF with a page per letter."""
    document = Document(title=TITLE)
    for letter in letters:
        draw_letter(document.new_page(), letter, help_url)
    return document.to_bytes()


def letter_for(issued: IssuedAccount, issued_on: date, school_name: str | None = None) -> Letter:
    account = issued.account
    return Letter(
        school=account.school,
        display_name=account.display_name,
        profile=account.profile,
        identifier=account.identifier,
        initial_password=issued.initial_password,
        activation_deadline=account.activation_deadline,
        deletion_date=account.deletion_date,
        issued_on=issued_on,
        classe=account.classe,
        first_name=account.first_name,
        school_name=school_name,
    )


def undrawable_reason(first_name: str, last_name: str, classe: str | None) -> str | None:
    """Say which characters of a person's names the letter cannot print as typed; None if it can."""
    problems = [
        f"{label} « {value} » : la lettre ne sait pas imprimer {', '.join(missing)}"
        for label, value in (("nom", last_name), ("prénom", first_name), ("classe", classe or ""))
        if (missing := undrawable(value))
    ]
    if not problems:
        return None
    return " ; ".join(problems) + (
        " - rien n'est remplacé : saisissez-le comme l'écrivent les papiers officiels en lettres latines, "
        "ou signalez-le au support de l'ENT"
    )


def refuse_undrawable(roster: Roster) -> None:
    """Move to the refusals, by line, the people whose letter could not print their names as typed."""
    kept = []
    for person in roster.people:
        reason = undrawable_reason(person.first_name, person.last_name, person.classe)
        if reason is None:
            kept.append(person)
        else:
            roster.refusals.append(Refusal(person.line, reason))
    roster.people = kept
    roster.refusals.sort(key=lambda refusal: refusal.line)
