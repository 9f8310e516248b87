"""The secretariat's console in the browser: sign-in with a code, enrolment, import, reissue, schools.

Against the local stack (the real admin function, moto's DynamoDB, S3 and SES): the demo members
`python -m devserver` seeds, and members the académie invites and enrols in each test.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import urllib.request
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import SCHOOL
from tests.browser.console_staff import (
    Member,
    Phone,
    StaffApi,
    account_path,
    age_step_up,
    demo_members,
    enrol,
    invitation_token,
    invite,
    sign_in_page,
)
from tests.browser.harness import BIN, ROOT, Stack, clean_environment
from tests.browser.helpers import Account, axe_violations, error_summary

OTHER_SCHOOL = "0691234S"  # a valid UAI (key letter S) no member of these tests reaches but the académie
_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def members(stack: Stack) -> dict[str, Member]:
    return demo_members(stack)


@pytest.fixture(scope="module")
def academie(stack: Stack, members: dict[str, Member]) -> StaffApi:
    """The demo académie member, signed in through the API once for the module."""
    return StaffApi(stack).sign_in(members["academie"])


@pytest.fixture
def secretary(stack: Stack, academie: StaffApi) -> Member:
    """A new secretary of SCHOOL only, enrolled, with recovery codes to sign in without waiting."""
    return enrol(stack, academie, f"secretaire.{next(_numbers)}@college-hugo.example.fr", (SCHOOL,))


def issue_in(stack: Stack, school: str, last_name: str) -> str:
    """An `issued` account of `school` (ent-admin issue --json); its identifier."""
    result = subprocess.run(
        [str(BIN / "ent-admin"), "issue", "--profile", "parent", "--last-name", last_name, "--first-name", "Zoé",
         "--birth-date", "2015-03-01", "--school", school, "--class", "6e B", "--json"],
        cwd=ROOT, env=clean_environment(**stack.env), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["identifier"]


def fetch_pdf(url: str) -> bytes:
    """The letter behind a presigned URL (moto's S3 here), as the browser would download it."""
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


# ---------------------------------------------------------------- sign-in


def test_the_demo_secretary_signs_in_with_password_and_the_code_of_the_phone(
    page: Page, stack: Stack, members: dict[str, Member]
) -> None:
    member = members["secretariat"]
    sign_in_page(page, stack, member)

    expect(page.locator("[data-me=email]")).to_have_text(member.email)
    expect(page.get_by_role("navigation", name="Menu de la console")).to_be_visible()
    counts = page.locator("[data-counts] .ent-count")
    expect(counts).to_have_count(4)
    assert "Actif" in page.locator("[data-counts]").inner_text()
    expect(page.get_by_role("link", name="Tableau de bord")).to_have_attribute("aria-current", "page")


def test_a_wrong_code_gets_one_message_for_every_wrong_part(page: Page, stack: Stack, secretary: Member) -> None:
    page.goto(stack.url("/secretariat/"))
    page.get_by_label("Adresse électronique professionnelle").fill(secretary.email)
    page.get_by_label("Mot de passe", exact=True).fill(secretary.password)
    page.get_by_label("Code de l'application d'authentification").fill("000000")
    page.get_by_role("button", name="Se connecter").click()

    assert "incorrect" in error_summary(page)
    expect(page.locator(".ent-summary")).to_be_focused()
    assert page.url.endswith("/secretariat/")


def test_a_page_opened_without_a_session_leads_to_the_sign_in_and_back(
    page: Page, stack: Stack, secretary: Member, issue: Callable[..., Account]
) -> None:
    account = issue()
    page.goto(stack.url("/secretariat/comptes/?uai=" + SCHOOL))
    page.get_by_role("link", name="Se connecter").click()
    page.get_by_label("Adresse électronique professionnelle").fill(secretary.email)
    page.get_by_label("Mot de passe", exact=True).fill(secretary.password)
    page.get_by_label("Code de l'application d'authentification").fill(secretary.recovery_code())
    page.get_by_role("button", name="Se connecter").click()

    page.wait_for_url("**/secretariat/comptes/?uai=" + SCHOOL)
    expect(page.locator("[data-accounts] table")).to_contain_text(account.identifier)


# ---------------------------------------------------------------- enrolment


def test_enrolment_from_an_invitation_shows_the_qr_code_then_ten_recovery_codes_once(
    page: Page, stack: Stack, academie: StaffApi
) -> None:
    email = f"nouvelle.secretaire.{next(_numbers)}@college-hugo.example.fr"
    invite(academie, email, "secretariat", (SCHOOL,))
    page.goto(stack.url("/secretariat/invitation/#t=" + invitation_token(stack, email)))
    assert "#t=" not in page.url  # the token leaves the address bar at once

    page.get_by_label("Mot de passe", exact=True).fill("Cartable-Tilleul-2027")
    page.get_by_label("Confirmez le mot de passe").fill("Cartable-Tilleul-2027")
    page.get_by_role("button", name="Continuer").click()

    qr = page.get_by_role("img", name="QR code à scanner avec l'application d'authentification")
    expect(qr).to_be_visible()
    assert (qr.get_attribute("src") or "").startswith("data:image/svg+xml")
    assert qr.evaluate("(image) => image.naturalWidth") > 0  # the SVG draws
    secret = page.locator("#invite-secret").inner_text()
    page.get_by_label("Code affiché par l'application").fill(Phone(secret).code())
    page.get_by_role("button", name="Vérifier le code").click()

    codes = page.locator("#invite-recovery-codes li")
    expect(codes).to_have_count(10)
    expect(page.locator("#invite-recovery")).to_contain_text("ne seront plus jamais affichés")
    recovery = codes.first.inner_text()
    page.get_by_role("link", name="J'ai noté mes codes : aller à la connexion").click()
    sign_in_page(page, stack, Member(email, "Cartable-Tilleul-2027", secret), code=recovery)
    expect(page.locator("[data-me=email]")).to_have_text(email)


def test_an_invitation_link_used_once_is_refused_the_second_time(page: Page, stack: Stack, academie: StaffApi) -> None:
    email = f"deux.fois.{next(_numbers)}@college-hugo.example.fr"
    invite(academie, email, "secretariat", (SCHOOL,))
    enrol_token = invitation_token(stack, email)
    api = StaffApi(stack)
    status, answer = api.call(
        "POST", "/api/admin/invitation", {"token": enrol_token, "password": "Cartable-Tilleul-2027",
                                          "password_confirmation": "Cartable-Tilleul-2027"},
    )  # fmt: skip
    assert status == 200 and isinstance(answer, dict)
    status, _ = api.call(
        "POST", "/api/admin/invitation/confirm", {"token": enrol_token, "code": Phone(answer["otp_secret"]).code()}
    )
    assert status == 200

    page.goto(stack.url("/secretariat/invitation/#t=" + enrol_token))
    page.get_by_label("Mot de passe", exact=True).fill("Cartable-Tilleul-2027")
    page.get_by_label("Confirmez le mot de passe").fill("Cartable-Tilleul-2027")
    page.get_by_role("button", name="Continuer").click()

    assert "déjà servi" in error_summary(page)


# ---------------------------------------------------------------- the import wizard


ROSTER = (
    "nom;prenom;profil;date_naissance;classe\n"
    "Lemoine;Inès;parent;14/02/2014;6e A\n"
    "Barbier;Hugo;eleve;03/09/2013;5e C\n"
    "Rivière;;parent;01/01/2014;6e A\n"
).encode()


def test_the_import_wizard_previews_the_bad_lines_then_creates_the_accounts_and_their_letters(
    page: Page, stack: Stack, secretary: Member, tmp_path
) -> None:
    roster = tmp_path / "liste-6e.csv"
    roster.write_bytes(ROSTER)
    sign_in_page(page, stack, secretary, code=secretary.recovery_code())
    page.get_by_role("link", name="Importer une liste").click()

    page.get_by_label("Fichier de la liste (CSV)").set_input_files(str(roster))
    page.get_by_role("button", name="Vérifier le fichier").click()

    preview = page.locator("#import-preview")
    expect(preview).to_be_focused()
    counts = preview.locator("[data-preview-counts]").inner_text()
    assert "2\ncomptes à créer" in counts and "1\nlignes à corriger" in counts
    bad = preview.get_by_role("table", name="Lignes à corriger")
    expect(bad.locator("tbody tr")).to_have_count(1)
    assert bad.locator("tbody tr th").inner_text() == "4"  # the header is line 1

    age_step_up(stack)  # a while after signing in: the import asks for the code again
    page.get_by_role("button", name="Créer 2 comptes et préparer les courriers").click()
    dialog = page.get_by_role("dialog", name="Confirmez avec votre code")
    dialog.get_by_label("Code de l'application d'authentification").fill(secretary.phone.code())
    dialog.get_by_role("button", name="Valider").click()

    done = page.locator("#import-done")
    expect(done).to_be_focused(timeout=30_000)  # the letters' PDF is written first
    expect(done).to_contain_text("2 comptes ont été créés")
    letters = page.get_by_role("link", name="Télécharger les courriers (PDF)").get_attribute("href") or ""
    assert fetch_pdf(letters).startswith(b"%PDF-")

    page.get_by_role("link", name="Comptes").click()
    page.get_by_label("Nom, prénom, classe ou identifiant").fill("Lemoine")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("table", name="Comptes de l'établissement").locator("tbody tr")).to_have_count(1)


# ---------------------------------------------------------------- one account


def test_reissuing_an_active_account_asks_to_confirm_then_for_a_fresh_code(
    page: Page, stack: Stack, secretary: Member, activate: Callable[..., Account]
) -> None:
    account = activate()
    sign_in_page(page, stack, secretary, code=secretary.recovery_code())
    age_step_up(stack)
    page.goto(stack.url(account_path(account.identifier)))
    expect(page.locator("[data-account-details]")).to_contain_text("Actif")

    page.get_by_role("button", name="Émettre un nouveau courrier").click()
    confirm = page.get_by_role("dialog", name="Ce compte est actif : le réémettre ?")
    confirm.get_by_role("button", name="Oui, réémettre le courrier").click()
    step_up = page.get_by_role("dialog", name="Confirmez avec votre code")
    step_up.get_by_label("Code de l'application d'authentification").fill("123456")
    step_up.get_by_role("button", name="Valider").click()
    expect(step_up.locator(".ent-error")).to_contain_text("pas le bon")  # asked again
    assert axe_violations(page) == []
    step_up.get_by_label("Code de l'application d'authentification").fill(secretary.phone.code())
    step_up.get_by_role("button", name="Valider").click()

    done = page.locator("#account-done")
    expect(done).to_be_focused(timeout=30_000)  # the letter's PDF is written first
    expect(page.locator("[data-account-details]")).to_contain_text("première connexion à faire")
    letter = done.get_by_role("link", name="Télécharger le courrier (PDF)").get_attribute("href") or ""
    assert fetch_pdf(letter).startswith(b"%PDF-")
    trail = page.get_by_role("table", name="Historique du compte")
    expect(trail.locator("tbody tr").first).to_contain_text(secretary.email)


def test_a_cancelled_confirmation_changes_nothing(
    page: Page, stack: Stack, secretary: Member, activate: Callable[..., Account]
) -> None:
    account = activate()
    sign_in_page(page, stack, secretary, code=secretary.recovery_code())
    page.goto(stack.url(account_path(account.identifier)))
    page.get_by_role("button", name="Émettre un nouveau courrier").click()
    page.keyboard.press("Escape")

    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator("[data-account-details]")).to_contain_text("Actif")
    expect(page.locator("#account-done")).to_be_hidden()


# ---------------------------------------------------------------- schools


def test_a_secretary_of_one_school_sees_nothing_of_another(page: Page, stack: Stack, secretary: Member) -> None:
    elsewhere = issue_in(stack, OTHER_SCHOOL, "Carpentier")
    sign_in_page(page, stack, secretary, code=secretary.recovery_code())

    for path, answer in (
        (f"/secretariat/tableau-de-bord/?uai={OTHER_SCHOOL}", "Aucun de vos établissements n'a ce code UAI."),
        (f"/secretariat/comptes/?uai={OTHER_SCHOOL}", "Aucun de vos établissements n'a ce code UAI."),
        (f"/secretariat/annuaire/?uai={OTHER_SCHOOL}", "Aucun de vos établissements n'a ce code UAI."),
        (account_path(elsewhere), "Aucun compte ne porte cet identifiant."),
    ):
        page.goto(stack.url(path))
        expect(page.locator("[data-console-loading]")).to_have_text(answer)
        expect(page.locator("[data-console-content]")).to_be_hidden()
    expect(page.get_by_role("link", name="Équipe")).to_be_hidden()

    api = StaffApi(stack)
    api.cookies = {name: cookie["value"] for cookie in page.context.cookies() for name in [cookie["name"]]}
    for method, path in (
        ("GET", f"/api/admin/schools/{OTHER_SCHOOL}"),
        ("GET", f"/api/admin/schools/{OTHER_SCHOOL}/accounts"),
        ("GET", f"/api/admin/schools/{OTHER_SCHOOL}/accounts.csv"),
        ("GET", f"/api/admin/schools/{OTHER_SCHOOL}/directory"),
        ("GET", f"/api/admin/accounts/{elsewhere}"),
        ("POST", f"/api/admin/accounts/{elsewhere}/unlock"),
    ):
        status, _ = api.call(method, path, {} if method == "POST" else None)
        assert status == 404, (method, path)


def test_the_academie_edits_a_schools_directory_and_the_secretary_reads_it(
    page: Page, stack: Stack, members: dict[str, Member], secretary: Member
) -> None:
    sign_in_page(page, stack, members["academie"])
    page.goto(stack.url(f"/secretariat/annuaire/?uai={SCHOOL}"))
    page.get_by_label("Nom de l'établissement").fill("Collège Victor-Hugo")
    page.get_by_label("Téléphone du secrétariat").fill("01 23 45 67 89")
    page.get_by_label("Horaires d'ouverture du secrétariat").fill("Du lundi au vendredi, 8 h 30 - 12 h")
    page.get_by_role("button", name="Enregistrer la fiche").click()
    expect(page.locator("#directory-saved")).to_be_focused()

    page.context.clear_cookies()
    sign_in_page(page, stack, secretary, code=secretary.recovery_code())
    page.get_by_role("link", name="Fiche de l'établissement").click()
    phone = page.get_by_label("Téléphone du secrétariat")
    expect(phone).to_have_value("01 23 45 67 89")
    expect(phone).not_to_be_editable()
    expect(page.get_by_role("button", name="Enregistrer la fiche")).to_be_hidden()


def test_the_academie_invites_and_disables_a_member(
    page: Page, stack: Stack, members: dict[str, Member], academie: StaffApi
) -> None:
    email = f"remplacante.{next(_numbers)}@college-hugo.example.fr"
    sign_in_page(page, stack, members["academie"])
    page.get_by_role("link", name="Équipe").click()
    page.get_by_label("Adresse électronique professionnelle").fill(email)
    page.get_by_label("Établissements (UAI)").fill(SCHOOL)
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.locator("#staff-invited")).to_contain_text(email)
    row = page.get_by_role("table", name="Membres du personnel").locator("tr", has_text=email)
    expect(row).to_contain_text("Invitation en attente")

    row.get_by_role("button", name=f"Désactiver {email}").click()
    page.get_by_role("dialog").get_by_role("button", name="Oui, désactiver").click()
    expect(page.locator("#staff-done")).to_contain_text(f"{email} est désactivé")
    expect(row).to_contain_text("Désactivé")


def test_a_session_ended_while_working_leads_to_the_sign_in_then_back_to_the_account(
    page: Page, stack: Stack, secretary: Member, issue: Callable[..., Account]
) -> None:
    account = issue()
    sign_in_page(page, stack, secretary, code=secretary.recovery_code())
    page.goto(stack.url(account_path(account.identifier)))
    expect(page.locator("[data-account-details]")).to_contain_text(account.identifier)
    page.context.clear_cookies()  # the session ended (15 idle minutes) while the page stayed open

    page.get_by_role("button", name="Émettre un nouveau courrier").click()
    page.get_by_role("dialog").get_by_role("button", name="Émettre le courrier").click()

    page.wait_for_url("**/secretariat/")
    expect(page.locator("#signin-ended")).to_be_focused()
    page.get_by_label("Adresse électronique professionnelle").fill(secretary.email)
    page.get_by_label("Mot de passe", exact=True).fill(secretary.password)
    page.get_by_label("Code de l'application d'authentification").fill(secretary.recovery_code())
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**" + account_path(account.identifier))
    expect(page.locator("[data-account-details]")).to_contain_text("première connexion à faire")
