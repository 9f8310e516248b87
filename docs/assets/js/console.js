/*
 * ENT Parents - the secretariat's console (/secretariat/). One module, no framework, no inline
 * script or style (the site's CSP). Each page is a Markdown page whose template (overrides/console.html)
 * names it: <div data-console-page="signin|invitation|dashboard|accounts|account|import|directory|staff">.
 * It talks to /api/admin/* (issue 13's contract) with the `__Host-ent-staff` cookie:
 *   - 401 staff_not_signed_in: back to the sign-in page, which then returns here;
 *   - 403 step_up_required: a dialog asks for a fresh code (POST /api/admin/step-up), then the
 *     request is sent again once;
 *   - any other refusal: its French `message` (MESSAGES below only when the answer has none) in a
 *     summary focused at the top of the form or section, and beside its field.
 * The school being worked on is the page's `?uai=`; an account page reads its identifier from the
 * fragment (/secretariat/compte/#<identifier>), which never reaches the server's logs.
 */

/* The one place for the console's French texts of error codes (functions/core/messages.py's `Code`),
   used only when an answer carries no `message`. */
const MESSAGES = {
  staff_invalid_credentials: "Adresse, mot de passe ou code incorrect.",
  staff_code_incorrect: "Ce code n'est pas le bon, ou il a déjà servi. Saisissez le code affiché maintenant.",
  staff_not_signed_in: "Votre session est terminée. Reconnectez-vous.",
  step_up_required: "Pour cette action, saisissez à nouveau le code de votre application.",
  academie_only: "Cette action est réservée aux membres de l'académie.",
  invitation_invalid: "Ce lien d'invitation n'est pas valide. Demandez une nouvelle invitation à l'académie.",
  invitation_expired: "Ce lien d'invitation a expiré. Demandez une nouvelle invitation à l'académie.",
  invitation_used: "Ce lien d'invitation a déjà servi. Connectez-vous, ou demandez une nouvelle invitation.",
  staff_already_enrolled: "Cette personne a déjà un accès à la console.",
  staff_not_found: "Cette personne n'a pas de compte dans la console.",
  invalid_uai: "Ce code UAI n'est pas valide : 7 chiffres puis une lettre, par exemple 0750654D.",
  school_not_found: "Aucun de vos établissements n'a ce code UAI.",
  account_not_found: "Aucun compte ne porte cet identifiant dans vos établissements.",
  import_not_found: "Cet import n'existe pas ou a expiré : déposez le fichier à nouveau.",
  import_done: "Cet import est déjà terminé : ses comptes sont créés.",
  import_empty: "Aucune ligne valide à importer : corrigez le fichier et déposez-le à nouveau.",
  invalid_cursor: "Cette page de la liste n'existe plus : relancez la recherche.",
  confirmation_needed: "Ce compte est actif : confirmez avant d'émettre un nouveau courrier.",
  wrong_state: "Ce compte n'est pas dans l'état attendu : rechargez la page.",
  letter_impossible: "Le courrier ne peut pas imprimer le nom de ce compte tel qu'il est écrit.",
  too_many_attempts: "Trop d'essais. Patientez quelques minutes avant de réessayer.",
  too_many_requests: "Trop de demandes. Patientez quelques minutes avant de réessayer.",
  not_found: "Introuvable : ce compte ou cet établissement n'existe pas, ou ne fait pas partie des vôtres.",
  forbidden: "Cette action ne vous est pas permise.",
  invalid_input: "Une information saisie n'est pas valide.",
  invalid_email: "Cette adresse électronique n'est pas valide.",
  password_policy: "Ce mot de passe ne convient pas : au moins 12 caractères, et pas un mot de passe courant.",
  password_mismatch: "Les deux mots de passe saisis ne sont pas identiques.",
  payload_too_large: "Le fichier est trop gros : 1 Mo au plus.",
  unsupported_media_type: "Ce fichier n'est pas un fichier CSV.",
  concurrent_update: "Le compte a changé entre-temps. Rechargez la page, puis recommencez.",
  service_unavailable: "Le service est momentanément indisponible. Réessayez dans quelques minutes.",
  mail_unavailable: "Le courriel n'a pas pu être envoyé. Réessayez dans quelques minutes.",
  network: "Le service est injoignable. Vérifiez votre connexion à Internet, puis réessayez.",
  server: "Le service ne répond pas correctement. Réessayez dans quelques minutes.",
};

/* Which field an error belongs to, when the answer does not say. */
const FIELD_OF = {
  password_policy: "password",
  password_mismatch: "password_confirmation",
  invalid_email: "email",
};

const STATES = {
  issued: "Courrier remis, première connexion à faire",
  pending_confirmation: "Adresse électronique à confirmer",
  active: "Actif",
  deactivated: "Désactivé",
};
const PROFILES = { parent: "Parent", eleve: "Élève" };
const ROLES = { secretariat: "Secrétariat", academie: "Académie" };

const PAGE = {
  signin: "/secretariat/",
  dashboard: "/secretariat/tableau-de-bord/",
  accounts: "/secretariat/comptes/",
  account: "/secretariat/compte/",
  import: "/secretariat/import/",
  directory: "/secretariat/annuaire/",
  staff: "/secretariat/equipe/",
};
const SIGNED_OUT = "staff_not_signed_in"; /* 401: the session ended (idle 15 min, 8 h at most) */
const RETURN_KEY = "ent.console.return";
const SCHOOL_KEY = "ent.console.school";
const ENDED_KEY = "ent.console.ended";

/* ---------------------------------------------------------------- small helpers */

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

function remember(key, value) {
  try {
    if (value === null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, value);
  } catch {
    /* private mode: nothing is kept */
  }
}

function recall(key) {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

/* 2027-03-01 or 2027-03-01T09:30:00Z -> 01/03/2027 (and 10:30 with the time), Paris time. */
function dateText(value, withTime = false) {
  if (!value) return "—";
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T12:00:00Z` : value);
  if (Number.isNaN(date.getTime())) return String(value);
  const options = { timeZone: "Europe/Paris", day: "2-digit", month: "2-digit", year: "numeric" };
  if (withTime) Object.assign(options, { hour: "2-digit", minute: "2-digit" });
  return new Intl.DateTimeFormat("fr-FR", options).format(date);
}

function daysUntil(value) {
  if (!value) return null;
  const target = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T12:00:00Z` : value);
  return Math.ceil((target.getTime() - Date.now()) / 86_400_000);
}

function pageUrl(path, params = {}, fragment = "") {
  const url = new URL(path, location.origin);
  for (const [name, value] of Object.entries(params)) if (value) url.searchParams.set(name, value);
  return url.pathname + url.search + (fragment ? `#${encodeURIComponent(fragment)}` : "");
}

function accountUrl(identifier) {
  return pageUrl(PAGE.account, {}, identifier);
}

/* A table with a caption (its accessible name) and a header row; cells are text or nodes. */
function table(caption, columns, rows) {
  const head = el("tr", {}, ...columns.map((column) => el("th", { scope: "col" }, column.label)));
  const body = rows.map((row) => el("tr", {}, ...columns.map((column, index) => {
    const value = column.cell(row);
    return el(index === 0 ? "th" : "td", index === 0 ? { scope: "row" } : {}, value === "" ? "—" : value);
  })));
  return el("div", { class: "ent-table" },
    el("table", {}, el("caption", {}, caption), el("thead", {}, head), el("tbody", {}, ...body)));
}

function names(row) {
  return [row.last_name, row.first_name].filter(Boolean).join(" ") || row.display_name || "";
}

/* ---------------------------------------------------------------- the API */

class Refused extends Error {
  constructor(response, data) {
    super((data && data.message) || MESSAGES[(data && data.error) || ""] || MESSAGES.server);
    this.status = response ? response.status : 0;
    this.code = (data && data.error) || (response ? "server" : "network");
    this.field = (data && data.field) || FIELD_OF[this.code] || null;
    if (this.status === 429 && !/minute|heure/.test(this.message)) {
      const seconds = Number(response.headers.get("Retry-After"));
      if (seconds > 0) this.message += ` Vous pourrez réessayer dans ${Math.max(1, Math.ceil(seconds / 60))} min.`;
    }
  }
}

async function send(method, path, body, type) {
  const headers = { Accept: "application/json" };
  const init = { method, headers, credentials: "same-origin", cache: "no-store" };
  if (body !== undefined) {
    headers["Content-Type"] = type || "application/json";
    init.body = type ? body : JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new Refused(null, { error: "network", message: MESSAGES.network });
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : {};
  } catch {
    data = null;
  }
  if (response.ok) return data || {};
  throw new Refused(response, data);
}

/* Every call of the signed-in pages: a session that ended leads to the sign-in page, a missing
   step-up asks for the code and tries once more. */
async function api(method, path, body, type) {
  try {
    return await send(method, path, body, type);
  } catch (error) {
    if (error.code === SIGNED_OUT) signInAgain();
    if (error.code !== "step_up_required") throw error;
    if (!(await stepUp())) throw error;
    return send(method, path, body, type);
  }
}

function signInAgain() {
  remember(RETURN_KEY, location.pathname + location.search + location.hash);
  remember(ENDED_KEY, "1");
  location.replace(PAGE.signin);
  throw new Refused(null, { error: SIGNED_OUT, message: MESSAGES[SIGNED_OUT] });
}

/* ---------------------------------------------------------------- errors and forms */

function clearErrors(box, scope) {
  box.hidden = true;
  box.replaceChildren();
  for (const field of scope.querySelectorAll("[aria-invalid]")) {
    field.removeAttribute("aria-invalid");
    field.setAttribute("aria-describedby", field.dataset.describedby || "");
    if (!field.dataset.describedby) field.removeAttribute("aria-describedby");
  }
  for (const wrap of scope.querySelectorAll(".ent-field--error")) wrap.classList.remove("ent-field--error");
  for (const message of scope.querySelectorAll(".ent-error")) message.remove();
}

/* errors: [{message, field?}]; the summary is focused so a screen reader reads it at once. */
function showErrors(box, errors, title) {
  const list = el("ul", { class: "ent-summary__list" });
  for (const { message, field } of errors) {
    if (!field) {
      list.append(el("li", {}, message));
      continue;
    }
    const link = el("a", { href: `#${field.id}` }, message);
    link.addEventListener("click", (event) => {
      event.preventDefault();
      field.focus();
    });
    list.append(el("li", {}, link));
    const wrap = field.closest(".ent-field");
    const id = `${field.id}-error`;
    if (wrap && !document.getElementById(id)) {
      (wrap.querySelector(".ent-input") || field).before(el("p", { class: "ent-error", id },
        el("span", { class: "ent-visually-hidden" }, "Erreur : "), message));
      wrap.classList.add("ent-field--error");
    }
    if (field.dataset.describedby === undefined) field.dataset.describedby = field.getAttribute("aria-describedby") || "";
    field.setAttribute("aria-describedby", [id, field.dataset.describedby].filter(Boolean).join(" "));
    field.setAttribute("aria-invalid", "true");
  }
  const heading = title || (errors.length > 1 ? `${errors.length} erreurs à corriger` : "Votre demande n'a pas abouti");
  box.replaceChildren(el("h2", { class: "ent-summary__title" }, heading), list);
  box.hidden = false;
  box.focus();
}

function summaryOf(form) {
  let box = form.querySelector(".ent-summary");
  if (!box) {
    box = el("div", { class: "ent-summary", role: "alert", tabindex: "-1", hidden: true });
    form.prepend(box);
  }
  return box;
}

function validate(form) {
  const errors = [];
  for (const field of form.elements) {
    if (!field.name || field.disabled || field.closest("[hidden]")) continue;
    const value = field.type === "file" ? (field.files.length ? "x" : "") : field.value.trim();
    if (field.required && !value) {
      errors.push({ field, message: field.dataset.msgRequired || "Ce champ est obligatoire." });
    } else if (value && field.minLength > 0 && field.value.length < field.minLength) {
      errors.push({ field, message: field.dataset.msgShort || `Au moins ${field.minLength} caractères.` });
    } else if (value && field.dataset.match && field.value !== form.elements[field.dataset.match].value) {
      errors.push({ field, message: field.dataset.msgMatch || MESSAGES.password_mismatch });
    } else if (value && field.type === "email" && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) {
      errors.push({ field, message: "Saisissez une adresse électronique complète, par exemple nom@exemple.fr." });
    }
  }
  return errors;
}

function values(form) {
  const body = {};
  for (const field of form.elements) {
    if (!field.name || field.type === "file" || field.tagName === "BUTTON") continue;
    if ((field.type === "radio" || field.type === "checkbox") && !field.checked) continue;
    body[field.name] = field.type === "password" ? field.value : field.value.trim();
  }
  return body;
}

function setBusy(form, busy) {
  let status = form.querySelector(".ent-status");
  if (!status) {
    status = el("p", { class: "ent-status", role: "status" });
    form.append(status);
  }
  status.textContent = busy ? "Envoi en cours…" : "";
  form.toggleAttribute("data-busy", busy);
  form.setAttribute("aria-busy", busy ? "true" : "false");
}

/* A form checked before sending, then `handler(body)`; a refusal is shown in its summary. */
function bindForm(form, handler) {
  form.noValidate = true;
  const box = summaryOf(form);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (form.hasAttribute("data-busy")) return;
    clearErrors(box, form);
    for (const button of form.querySelectorAll("[data-reveal][aria-pressed=true]")) button.click();
    const errors = validate(form);
    if (errors.length) return showErrors(box, errors);
    setBusy(form, true);
    try {
      await handler(values(form));
    } catch (error) {
      if (!(error instanceof Refused)) throw error;
      const field = error.field && form.elements[error.field];
      showErrors(box, [{ message: error.message, field: field && field.id ? field : null }]);
    } finally {
      setBusy(form, false);
    }
  });
}

/* A refusal of an action outside a form (a button of a list): shown in the section's summary. */
function showRefusal(box, error) {
  if (!(error instanceof Refused)) throw error;
  clearErrors(box, box);
  showErrors(box, [{ message: error.message }]);
}

function setupReveal(button) {
  const input = document.getElementById(button.dataset.reveal);
  button.addEventListener("click", () => {
    const show = input.type === "password";
    input.type = show ? "text" : "password";
    button.setAttribute("aria-pressed", String(show));
  });
}

function showPanel(panel, ...content) {
  if (content.length) panel.replaceChildren(...content);
  panel.hidden = false;
  panel.focus();
}

/* ---------------------------------------------------------------- dialogs: confirm, step-up */

/* A modal <dialog> (focus kept inside, Escape cancels); resolves with the pressed button's value. */
function dialog(title, body, buttons, field = null) {
  return new Promise((resolve) => {
    const heading = el("h2", { id: "console-dialog-title" }, title);
    const form = el("form", { method: "dialog", class: "ent-dialog__form", novalidate: true }, heading, ...body);
    if (field) form.append(field);
    const row = el("div", { class: "ent-actions" });
    for (const [value, text, primary] of buttons) {
      row.append(el("button", { class: `md-button ent-submit${primary ? " md-button--primary" : ""}`, value }, text));
    }
    form.append(row);
    /* The focus goes to the field, else to the first button (the one Enter confirms). */
    (form.querySelector("input") || row.querySelector("button")).setAttribute("autofocus", "");
    const box = el("dialog", { class: "ent-dialog md-typeset", "aria-labelledby": "console-dialog-title" }, form);
    document.body.append(box);
    box.addEventListener("close", () => {
      resolve(box.returnValue || "cancel");
      box.remove();
    });
    box.showModal();
  });
}

/* 403 step_up_required: the code asked again, sent to /api/admin/step-up; true once accepted. */
async function stepUp(message = "") {
  const input = el("input", {
    id: "console-step-up-code", name: "code", type: "text", inputmode: "numeric", autocomplete: "one-time-code",
    maxlength: "32", required: true, "aria-describedby": "console-step-up-hint",
  });
  const field = el("div", { class: `ent-field${message ? " ent-field--error" : ""}` },
    el("label", { for: input.id }, "Code de l'application d'authentification"),
    el("p", { class: "ent-hint", id: "console-step-up-hint" }, "Les 6 chiffres affichés maintenant, ou un code de secours."),
    message ? el("p", { class: "ent-error", role: "alert" }, el("span", { class: "ent-visually-hidden" }, "Erreur : "), message) : null,
    input);
  const answer = await dialog("Confirmez avec votre code",
    [el("p", {}, "Cette action est sensible : pour la faire, saisissez le code de votre application. Il reste valable 5 minutes pour les actions suivantes.")],
    [["ok", "Valider", true], ["cancel", "Annuler", false]], field);
  const code = input.value.trim();
  if (answer !== "ok") return false;
  if (!code) return stepUp("Saisissez le code affiché par votre application.");
  try {
    await send("POST", "/api/admin/step-up", { code });
    return true;
  } catch (error) {
    if (error.code === SIGNED_OUT) signInAgain();
    return stepUp(error.message);
  }
}

function confirmAction(title, text, yes) {
  return dialog(title, [el("p", {}, text)], [["ok", yes, true], ["cancel", "Annuler", false]]).then((v) => v === "ok");
}

/* ---------------------------------------------------------------- who is signed in: header and menu */

let ME = null;

function schoolName(uai) {
  const school = ME && ME.schools.find((item) => item.uai === uai);
  return school ? school.name || school.uai : uai;
}

async function loadMe(screen) {
  ME = await send("GET", "/api/admin/me"); /* not signed in: the page says so (start), no redirect */
  ME.schools = Array.isArray(ME.schools) ? ME.schools : [];
  for (const slot of document.querySelectorAll("[data-me]")) {
    const value = ME[slot.dataset.me];
    slot.textContent = slot.dataset.me === "role" ? ROLES[value] || value : value;
  }
  const academie = ME.role === "academie";
  for (const node of document.querySelectorAll("[data-academie-only]")) node.hidden = !academie;
  /* A secretary works on their schools only (the server refuses any other with 404); the académie
     on any school, named in the address or typed in the menu. */
  const mine = (uai) => academie || ME.schools.some((school) => school.uai === uai);
  const asked = (new URLSearchParams(location.search).get("uai") || "").trim().toUpperCase();
  const kept = (recall(SCHOOL_KEY) || "").toUpperCase();
  /* A school named in the address is asked as it is: the server answers 404 if it is not theirs. */
  let uai = asked || (mine(kept) ? kept : "");
  if (!uai && ME.schools.length) uai = ME.schools[0].uai;
  remember(SCHOOL_KEY, uai || null);
  showSchool(uai, screen);
  for (const node of document.querySelectorAll("[data-console-user], [data-console-nav]")) node.hidden = false;
  return uai;
}

/* The menu's links carry the school; its selector (several schools) or UAI field (académie) change it. */
function linkSchool(uai) {
  for (const link of document.querySelectorAll("[data-with-school]")) {
    link.setAttribute("href", pageUrl(new URL(link.href).pathname, { uai }));
  }
}

function showSchool(uai, screen) {
  linkSchool(uai);
  for (const link of document.querySelectorAll("[data-nav]")) {
    if (link.dataset.nav === screen) link.setAttribute("aria-current", "page");
  }
  for (const slot of document.querySelectorAll("[data-school-name]")) slot.textContent = uai ? `· ${schoolName(uai)}` : "";
  const go = (chosen) => {
    remember(SCHOOL_KEY, chosen);
    const here = NEEDS_SCHOOL.has(screen) ? location.pathname : PAGE.dashboard;
    location.assign(pageUrl(here, { uai: chosen }));
  };
  const select = document.querySelector("[data-school-select]");
  if (select && ME.schools.length > 1) {
    select.replaceChildren(...ME.schools.map((school) =>
      el("option", { value: school.uai, selected: school.uai === uai }, `${school.name || school.uai} (${school.uai})`)));
    select.closest("[data-console-school]").hidden = false;
    select.addEventListener("change", () => go(select.value));
  }
  const other = document.querySelector("[data-school-other]");
  if (other && ME.role === "academie") {
    other.hidden = false;
    other.elements.uai.value = uai;
    other.addEventListener("submit", (event) => {
      event.preventDefault();
      const typed = other.elements.uai.value.trim().toUpperCase();
      if (typed) go(typed);
    });
  }
}

function setupLogout() {
  for (const button of document.querySelectorAll("[data-console-logout]")) {
    button.addEventListener("click", async () => {
      try {
        await send("POST", "/api/admin/logout", {});
      } catch {
        /* the session is gone either way: the sign-in page follows */
      }
      remember(SCHOOL_KEY, null);
      location.assign(PAGE.signin);
    });
  }
}

function loaded(root) {
  const loading = root.querySelector("[data-console-loading]");
  if (loading) loading.hidden = true;
  const content = root.querySelector("[data-console-content]");
  if (content) content.hidden = false;
}

function failedToLoad(root, error) {
  if (!(error instanceof Refused)) throw error;
  const loading = root.querySelector("[data-console-loading]");
  if (loading) {
    loading.textContent = error.message;
    loading.classList.add("ent-panel", "ent-panel--warning");
  }
}

/* ---------------------------------------------------------------- sign-in and enrolment */

function signinPage(root) {
  const form = document.getElementById("signin-form");
  /* Signed in already (another tab): straight to the dashboard; the form is usable meanwhile. */
  send("GET", "/api/admin/me").then(() => location.replace(PAGE.dashboard), () => {});
  if (recall(ENDED_KEY)) {
    remember(ENDED_KEY, null);
    showPanel(document.getElementById("signin-ended"));
  }
  bindForm(form, async (body) => {
    await send("POST", "/api/admin/login", body);
    const back = recall(RETURN_KEY);
    remember(RETURN_KEY, null);
    /* Only a page of the console: never an address someone slipped in. */
    location.assign(back && back.startsWith("/secretariat/") && !back.startsWith("//") ? back : PAGE.dashboard);
  });
  loaded(root);
}

/* Read, then wiped from the address bar: it never reaches history, Referer or logs. */
function takeToken() {
  if (!location.hash.startsWith("#t=")) return null;
  const token = new URLSearchParams(location.hash.slice(1)).get("t");
  history.replaceState(history.state, "", location.pathname + location.search);
  return token || null;
}

function showStep(steps, name) {
  for (const item of steps.querySelectorAll("[data-step]")) {
    if (item.dataset.step === name) item.setAttribute("aria-current", "step");
    else item.removeAttribute("aria-current");
  }
}

/* The QR code (an SVG from the API) as an <img>: a data: URL, which the CSP's img-src allows; an
   image runs no script and touches no style of the page. */
function showQr(image, svg) {
  if (typeof svg !== "string" || !svg.trim().startsWith("<svg")) return;
  /* An SVG made for inlining in HTML (segno's svg_inline) has no namespace: a standalone image needs it. */
  const standalone = /^<svg[^>]*\sxmlns=/.test(svg.trim()) ? svg.trim() : svg.trim().replace(/^<svg/, '<svg xmlns="http://www.w3.org/2000/svg"');
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(standalone)}`;
  image.hidden = false;
}

function invitationPage() {
  const token = takeToken();
  const steps = document.querySelector("[data-invite-steps]");
  const passwordForm = document.getElementById("invite-password-form");
  const codeForm = document.getElementById("invite-code-form");
  const recovery = document.getElementById("invite-recovery");
  if (!token) {
    showPanel(document.getElementById("invite-missing"));
    return;
  }
  steps.hidden = false;
  passwordForm.hidden = false;
  bindForm(passwordForm, async (body) => {
    const answer = await send("POST", "/api/admin/invitation", { token, ...body });
    showQr(document.getElementById("invite-qr"), answer.qr_svg);
    /* The secret in groups of four, easier to type; the app ignores the spaces. */
    document.getElementById("invite-secret").textContent = (answer.otp_secret || "").replace(/(.{4})/g, "$1 ").trim();
    passwordForm.hidden = true;
    codeForm.hidden = false;
    showStep(steps, "code");
    codeForm.querySelector("h2").focus();
  });
  bindForm(codeForm, async (body) => {
    const answer = await send("POST", "/api/admin/invitation/confirm", { token, code: body.code });
    const list = document.getElementById("invite-recovery-codes");
    list.replaceChildren(...(answer.recovery_codes || []).map((code) => el("li", {}, el("code", {}, code))));
    codeForm.hidden = true;
    showStep(steps, "recovery");
    showPanel(recovery);
  });
  for (const button of document.querySelectorAll("[data-print]")) button.addEventListener("click", () => window.print());
}

/* ---------------------------------------------------------------- a school: dashboard, list, directory */

function countsList(list, counts, uai) {
  const items = Object.keys(STATES).map((state) => {
    const link = el("a", { href: pageUrl(PAGE.accounts, { uai, state }) },
      el("span", { class: "ent-count__number" }, String(counts[state] || 0)),
      el("span", { class: "ent-count__label" }, STATES[state]));
    return el("li", { class: "ent-count" }, link);
  });
  list.replaceChildren(...items);
}

function deadlineCell(row) {
  const deadline = row.activation_deadline;
  if (!deadline) return "";
  const days = daysUntil(deadline);
  const when = days === null ? "" : days <= 0 ? " (aujourd'hui)" : days === 1 ? " (demain)" : ` (dans ${days} jours)`;
  return `${dateText(deadline)}${when}`;
}

function accountLink(row) {
  return el("a", { href: accountUrl(row.identifier) }, row.identifier);
}

const ACCOUNT_COLUMNS = [
  { label: "Identifiant", cell: accountLink },
  { label: "Nom", cell: names },
  { label: "Profil", cell: (row) => PROFILES[row.profile] || row.profile || "" },
  { label: "Classe", cell: (row) => row.classe || "" },
  { label: "État", cell: (row) => STATES[row.state] || row.state || "" },
  { label: "Date limite d'activation", cell: deadlineCell },
];

function rowsOrNothing(slot, caption, rows, nothing, columns = ACCOUNT_COLUMNS) {
  slot.replaceChildren(...(rows.length ? [table(caption, columns, rows)] : nothing ? [el("p", {}, nothing)] : []));
}

async function dashboardPage(root, uai) {
  const school = await api("GET", `/api/admin/schools/${encodeURIComponent(uai)}`);
  const name = (school.school && school.school.name) || schoolName(uai);
  for (const slot of document.querySelectorAll("[data-school-name]")) slot.textContent = `· ${name}`;
  countsList(root.querySelector("[data-counts]"), school.counts || {}, uai);
  const chase = Array.isArray(school.chase_first) ? school.chase_first : [];
  const due = Number(school.to_chase) || 0;
  const days = school.chase_within_days || 14;
  root.querySelector("[data-due]").replaceChildren(...[el("p", {}, due
    ? `${due} compte${due > 1 ? "s arrivent" : " arrive"} à sa date limite d'activation dans les ${days} prochains jours.`
    : `Aucun compte n'arrive à sa date limite d'activation dans les ${days} prochains jours.`),
  (school.deactivated_unactivated || school.deleted_unactivated)
    ? el("p", { class: "ent-hint" }, `Depuis le début : ${school.deactivated_unactivated || 0} compte(s) désactivé(s) et ${school.deleted_unactivated || 0} supprimé(s) faute d'activation.`)
    : null].filter(Boolean));
  rowsOrNothing(root.querySelector("[data-chase]"), `Les ${chase.length} comptes à relancer en premier`, chase,
    "");
  loaded(root);
}

function accountsPage(root, uai) {
  const form = document.getElementById("accounts-filters");
  const params = new URLSearchParams(location.search);
  form.elements.q.value = params.get("q") || "";
  form.elements.state.value = params.get("state") || "";
  form.hidden = false;
  const csv = root.querySelector("[data-csv]");
  csv.setAttribute("href", `/api/admin/schools/${encodeURIComponent(uai)}/accounts.csv`);
  const slot = root.querySelector("[data-accounts]");
  const more = root.querySelector("[data-more]");
  const results = root.querySelector("[data-results]");
  let rows = [];
  let cursor = null;
  /* Once the list is shown, a refused search says why above it (the loading line is gone). */
  const refused = (error) => {
    if (!(error instanceof Refused)) throw error;
    results.textContent = error.message;
  };
  let latest = 0; /* a slow first page must not replace the answer of a search typed meanwhile */
  const load = async (next) => {
    const query = new URLSearchParams();
    for (const name of ["state", "q"]) if (form.elements[name].value.trim()) query.set(name, form.elements[name].value.trim());
    if (next) query.set("cursor", next);
    const asked = ++latest;
    const answer = await api("GET", `/api/admin/schools/${encodeURIComponent(uai)}/accounts?${query}`);
    if (asked !== latest) return;
    const page = answer.accounts || [];
    const firstNew = rows.length;
    rows = next ? [...rows, ...page] : page;
    cursor = answer.next_cursor || null;
    rowsOrNothing(slot, "Comptes de l'établissement", rows, "Aucun compte ne correspond à cette recherche.",
      [...ACCOUNT_COLUMNS, { label: "Dernier événement", cell: (row) => lastEvent(row.last_event) }]);
    const total = Number(answer.total) || rows.length;
    results.textContent = rows.length
      ? `${total} compte${total > 1 ? "s" : ""}${rows.length < total ? `, dont ${rows.length} affichés` : ""}.`
      : "";
    more.hidden = !cursor;
    loaded(root);
    if (next) {
      const link = slot.querySelectorAll("tbody tr")[firstNew];
      if (link) link.querySelector("a").focus(); /* the keyboard goes on with the new rows */
    }
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const query = { uai, state: form.elements.state.value, q: form.elements.q.value.trim() };
    history.replaceState(history.state, "", pageUrl(PAGE.accounts, query));
    load(null).catch(refused);
  });
  more.addEventListener("click", () => load(cursor).catch(refused));
  return load(null);
}

function lastEvent(event) {
  if (!event) return "";
  if (typeof event === "string") return event;
  return `${actionText(event.action)}, ${dateText(event.at || event.time, true)}`;
}

async function directoryPage(root, uai) {
  const form = document.getElementById("directory-form");
  const path = `/api/admin/schools/${encodeURIComponent(uai)}/directory`;
  const entry = await api("GET", path);
  const writable = ME.role === "academie";
  for (const field of form.elements) {
    if (!field.name) continue;
    field.value = entry[field.name] || "";
    field.readOnly = !writable;
  }
  root.querySelector("[data-directory-readonly]").hidden = writable;
  bindForm(form, async (body) => {
    await api("PUT", path, body);
    showPanel(document.getElementById("directory-saved"));
  });
  loaded(root);
}

/* ---------------------------------------------------------------- one account: actions and trail */

/* The trail's actions (functions/core/audit.record's names) in words; any other shows as recorded. */
const ACTIONS = {
  issued: "Compte créé, courrier émis",
  reissued: "Nouveau courrier émis",
  reactivated: "Compte réactivé, nouveau courrier émis",
  unlocked: "Compte débloqué",
  consulted: "Fiche consultée",
  login: "Connexion",
  login_failed: "Mot de passe erroné",
  login_refused_deactivated: "Connexion refusée : compte désactivé",
  first_connection: "Première connexion faite",
  first_connection_wrong_birth_date: "Date de naissance erronée",
  activation_link_resent: "Lien d'activation renvoyé",
  activation: "Compte activé",
  password_changed: "Mot de passe changé",
  password_reset_requested: "Nouveau mot de passe demandé",
  password_reset: "Mot de passe réinitialisé",
  email_change_requested: "Changement d'adresse demandé",
  email_changed: "Adresse électronique changée",
  deactivated_by_sweep: "Désactivé : pas d'activation avant la date limite",
};

function actionText(action) {
  return ACTIONS[action] || action || "";
}

function lockText(account) {
  return account.locked_until ? `Oui, jusqu'au ${dateText(account.locked_until, true)}` : "Non";
}

function details(account) {
  const rows = [
    ["Identifiant", account.identifier],
    ["Nom", names(account)],
    ["Profil", PROFILES[account.profile] || account.profile],
    ["Classe", account.classe],
    ["État", STATES[account.state] || account.state],
    ["Date limite d'activation", account.state === "active" ? "" : dateText(account.activation_deadline)],
    ["Date de suppression", account.state === "active" ? "" : dateText(account.deletion_date)],
    ["Adresse électronique", account.email || "Aucune"],
    ["Adresse à confirmer", account.pending_email],
    ["Bloqué (trop d'essais)", lockText(account)],
  ];
  return rows.filter(([, value]) => value).map(([term, value]) => el("div", {}, el("dt", {}, term), el("dd", {}, value)));
}

/* A letter is a PDF in a private bucket, fetched by its short-lived presigned URL ({letters: {url}}). */
function letterLink(answer, text) {
  const href = answer && answer.letters && answer.letters.url;
  return href ? el("p", {}, el("a", { class: "md-button md-button--primary", href, "data-letter": true }, text)) : null;
}

async function accountPage(root) {
  const identifier = decodeURIComponent(location.hash.slice(1));
  const errors = document.getElementById("account-errors");
  const done = document.getElementById("account-done");
  if (!identifier) throw new Refused(null, { error: "not_found", message: MESSAGES.not_found });
  const path = `/api/admin/accounts/${encodeURIComponent(identifier)}`;
  const render = (account) => {
    document.querySelector("[data-account-title]").textContent = account.identifier;
    linkSchool(account.school); /* the menu leads to this account's school */
    root.querySelector("[data-account-details]").replaceChildren(...details(account));
    root.querySelector("[data-back-to-list]").setAttribute("href", pageUrl(PAGE.accounts, { uai: account.school }));
    const events = account.events || [];
    rowsOrNothing(root.querySelector("[data-trail]"), "Historique du compte", events, "Aucun événement.", [
      { label: "Date", cell: (event) => dateText(event.at || event.time, true) },
      { label: "Événement", cell: (event) => actionText(event.action) },
      { label: "Par", cell: (event) => event.actor || "" },
    ]);
    const actions = root.querySelector("[data-account-actions]");
    actions.replaceChildren();
    const button = (text, run) => {
      const node = el("button", { class: "md-button ent-submit", type: "button" }, text);
      node.addEventListener("click", async () => {
        clearErrors(errors, errors);
        done.hidden = true;
        node.disabled = true;
        try {
          await run();
        } catch (error) {
          showRefusal(errors, error);
        } finally {
          node.disabled = false;
        }
      });
      actions.append(node);
    };
    if (account.state === "deactivated") {
      button("Réactiver le compte (nouveau courrier)", async () => {
        const answer = await api("POST", `${path}/reactivate`, {});
        await refresh();
        showPanel(done, el("p", {}, "Le compte est réactivé. Imprimez le nouveau courrier et remettez-le à la famille."),
          letterLink(answer, "Télécharger le courrier (PDF)"));
      });
    } else {
      button("Émettre un nouveau courrier", async () => {
        const active = account.state === "active";
        const sure = await confirmAction(active ? "Ce compte est actif : le réémettre ?" : "Émettre un nouveau courrier ?",
          active
            ? "La famille utilise ce compte. Un nouveau courrier annule son mot de passe, ferme ses connexions et lui fait refaire la première connexion. Un courriel la prévient. Ne le faites qu'à sa demande, ou si le compte a été pris par quelqu'un d'autre."
            : "Un nouveau mot de passe initial est créé ; le courrier précédent ne fonctionnera plus. Les dates limites repartent d'aujourd'hui.",
          active ? "Oui, réémettre le courrier" : "Émettre le courrier");
        if (!sure) return;
        const answer = await api("POST", `${path}/reissue`, active ? { confirm: true } : {});
        await refresh();
        showPanel(done, el("p", {}, "Le nouveau courrier est prêt. Imprimez-le et remettez-le à la famille : l'ancien ne fonctionne plus."),
          letterLink(answer, "Télécharger le courrier (PDF)"));
      });
    }
    if (lockText(account) !== "Non") {
      button("Débloquer le compte", async () => {
        await api("POST", `${path}/unlock`, {});
        await refresh();
        showPanel(done, el("p", {}, "Le compte est débloqué : la famille peut à nouveau essayer de se connecter."));
      });
    }
  };
  const refresh = async () => render(await api("GET", path));
  await refresh();
  loaded(root);
}

/* ---------------------------------------------------------------- the import wizard */

function importPage(root, uai) {
  const form = document.getElementById("import-file-form");
  const preview = document.getElementById("import-preview");
  const errors = document.getElementById("import-errors");
  const done = document.getElementById("import-done");
  const steps = root.querySelector("[data-import-steps]");
  const confirm = root.querySelector("[data-import-confirm]");
  let importId = null;
  const restart = () => {
    form.reset();
    preview.hidden = true;
    done.hidden = true;
    form.hidden = false;
    showStep(steps, "file");
    form.elements.file.focus();
  };
  for (const button of root.querySelectorAll("[data-import-restart]")) button.addEventListener("click", restart);
  bindForm(form, async () => {
    const file = form.elements.file.files[0];
    if (file.size > 1024 * 1024) throw new Refused(null, { error: "payload_too_large", field: "file", message: MESSAGES.payload_too_large });
    const answer = await api("POST", `/api/admin/schools/${encodeURIComponent(uai)}/imports`, file, "text/csv");
    importId = answer.id;
    const create = count(answer.to_create);
    const issued = count(answer.already_issued);
    const bad = answer.refused || [];
    root.querySelector("[data-preview-counts]").replaceChildren(
      el("li", { class: "ent-count" }, el("span", { class: "ent-count__number" }, String(create)), el("span", { class: "ent-count__label" }, "comptes à créer")),
      el("li", { class: "ent-count" }, el("span", { class: "ent-count__number" }, String(issued)), el("span", { class: "ent-count__label" }, "déjà créés (pas de doublon)")),
      el("li", { class: `ent-count${bad.length ? " ent-count--error" : ""}` }, el("span", { class: "ent-count__number" }, String(bad.length)), el("span", { class: "ent-count__label" }, "lignes à corriger")));
    const badSlot = root.querySelector("[data-preview-bad]");
    badSlot.replaceChildren();
    if (bad.length) {
      badSlot.append(el("p", {}, "Ces lignes ne seront pas importées. Corrigez-les dans le tableur puis importez à nouveau le fichier : les comptes déjà créés ne seront pas recréés."),
        table("Lignes à corriger", [
          { label: "Ligne", cell: (row) => String(row.line) },
          { label: "Problème", cell: (row) => row.reason || "" },
        ], bad));
    }
    confirm.hidden = create === 0;
    confirm.textContent = `Créer ${create} compte${create > 1 ? "s" : ""} et préparer les courriers`;
    form.hidden = true;
    clearErrors(errors, errors);
    showStep(steps, "preview");
    showPanel(preview);
  });
  /* Confirming issues a batch (100 accounts) at a time, each with its PDF of letters, until none remain. */
  confirm.addEventListener("click", async () => {
    clearErrors(errors, errors);
    confirm.disabled = true;
    const progress = root.querySelector("[data-import-progress]");
    const links = [];
    let created = 0;
    progress.textContent = "Création des comptes et des courriers…";
    try {
      let remaining = 1;
      while (remaining > 0) {
        const batch = await api("POST", `/api/admin/imports/${encodeURIComponent(importId)}/confirm`, {});
        created += count(batch.created);
        remaining = Number(batch.remaining) || 0;
        if (batch.letters && batch.letters.url) links.push(batch.letters.url);
        progress.textContent = remaining ? `${created} comptes créés, ${remaining} restants…` : "";
      }
    } catch (error) {
      if (!links.length) {
        confirm.disabled = false;
        return showRefusal(errors, error);
      }
      showRefusal(errors, error); /* the batches done keep their letters: shown below */
    }
    confirm.disabled = false;
    progress.textContent = "";
    root.querySelector("[data-import-created]").textContent =
      `${created} compte${created > 1 ? "s ont été créés" : " a été créé"} pour ${schoolName(uai)}.`;
    root.querySelector("[data-import-letters]").replaceChildren(...links.map((href, index) => el("li", {},
      el("a", { class: "md-button md-button--primary", href, "data-letter": true },
        links.length > 1 ? `Télécharger les courriers, lot ${index + 1} sur ${links.length} (PDF)` : "Télécharger les courriers (PDF)"))));
    preview.hidden = true;
    showStep(steps, "done");
    showPanel(done);
  });
  form.hidden = false;
  steps.hidden = false;
  loaded(root);
}

function count(value) {
  if (Array.isArray(value)) return value.length;
  return Number(value) || 0;
}

/* ---------------------------------------------------------------- staff management (academie) */

async function staffPage(root) {
  const form = document.getElementById("staff-invite-form");
  const schoolsField = form.querySelector("[data-staff-schools]");
  const errors = document.getElementById("staff-errors");
  const done = document.getElementById("staff-done");
  const slot = root.querySelector("[data-staff]");
  const syncRole = () => {
    const secretariat = form.elements.role.value === "secretariat";
    schoolsField.hidden = !secretariat;
    form.elements.schools.required = secretariat;
  };
  for (const radio of form.querySelectorAll("input[name=role]")) radio.addEventListener("change", syncRole);
  syncRole();
  const render = (members) => {
    rowsOrNothing(slot, "Membres du personnel", members, "Personne pour le moment.", [
      { label: "Adresse", cell: (member) => member.email },
      { label: "Rôle", cell: (member) => ROLES[member.role] || member.role },
      { label: "Établissements", cell: (member) => member.role === "academie" ? "Tous" : (member.schools || []).map((s) => s.uai || s).join(", ") },
      { label: "État", cell: (member) => memberState(member) },
      { label: "Action", cell: (member) => disableButton(member) },
    ]);
  };
  const disableButton = (member) => {
    if (memberState(member) === "Désactivé" || member.email === ME.email) return "";
    const button = el("button", { class: "md-button ent-submit", type: "button" }, "Désactiver",
      el("span", { class: "ent-visually-hidden" }, ` ${member.email}`));
    button.addEventListener("click", async () => {
      clearErrors(errors, errors);
      done.hidden = true;
      const sure = await confirmAction(`Désactiver ${member.email} ?`,
        "Cette personne ne pourra plus se connecter et ses connexions en cours sont fermées tout de suite. Pour lui rendre l'accès, il faudra l'inviter à nouveau.",
        "Oui, désactiver");
      if (!sure) return;
      try {
        await api("POST", `/api/admin/staff/${encodeURIComponent(member.email)}/disable`, {});
        await refresh();
        showPanel(done, el("p", {}, `${member.email} est désactivé.`));
      } catch (error) {
        showRefusal(errors, error);
      }
    });
    return button;
  };
  const refresh = async () => {
    const answer = await api("GET", "/api/admin/staff");
    render(Array.isArray(answer) ? answer : answer.staff || answer.members || []);
  };
  bindForm(form, async (body) => {
    const invitation = { email: body.email, role: body.role };
    if (body.role === "secretariat") invitation.schools = body.schools.toUpperCase().split(/[\s,;]+/).filter(Boolean);
    await api("POST", "/api/admin/staff/invitations", invitation);
    form.reset();
    syncRole();
    showPanel(document.getElementById("staff-invited"),
      el("p", {}, `L'invitation est envoyée à ${invitation.email}. Le lien qu'elle contient est valable 72 heures.`));
    await refresh();
  });
  await refresh();
  loaded(root);
}

function memberState(member) {
  if (member.disabled || member.state === "disabled") return "Désactivé";
  if (member.state === "invited" || member.enrolled === false) return "Invitation en attente";
  return "Actif";
}

/* ---------------------------------------------------------------- start */

const SCREENS = {
  dashboard: dashboardPage,
  accounts: accountsPage,
  account: accountPage,
  import: importPage,
  directory: directoryPage,
  staff: staffPage,
};
const NEEDS_SCHOOL = new Set(["dashboard", "accounts", "import", "directory"]);

async function start() {
  for (const note of document.querySelectorAll("[data-needs-script]")) note.hidden = true;
  for (const button of document.querySelectorAll("[data-reveal]")) setupReveal(button);
  const root = document.querySelector("[data-console-page]");
  if (!root) return;
  const screen = root.dataset.consolePage;
  if (screen === "signin") return signinPage(root);
  if (screen === "invitation") return invitationPage(root);
  setupLogout();
  try {
    const uai = await loadMe(screen);
    if (NEEDS_SCHOOL.has(screen) && !uai) {
      throw new Refused(null, { error: "not_found", message: ME.role === "academie"
        ? "Choisissez un établissement : saisissez son code UAI dans le menu, puis « Ouvrir »."
        : "Aucun établissement ne vous est rattaché. Contactez l'académie." });
    }
    if (screen === "staff" && ME.role !== "academie") throw new Refused(null, { error: "not_found", message: MESSAGES.forbidden });
    await SCREENS[screen](root, uai);
  } catch (error) {
    if (error.code === SIGNED_OUT && !ME) return notSignedIn(root);
    failedToLoad(root, error);
  }
}

/* Opened without a session: a way to the sign-in page, which comes back here afterwards. */
function notSignedIn(root) {
  remember(RETURN_KEY, location.pathname + location.search + location.hash);
  const loading = root.querySelector("[data-console-loading]");
  const panel = el("div", { class: "ent-panel ent-panel--warning" },
    el("p", {}, "Vous n'êtes pas connecté à la console, ou votre session a pris fin."),
    el("p", {}, el("a", { class: "md-button md-button--primary", href: PAGE.signin }, "Se connecter")));
  if (loading) loading.replaceWith(panel);
  else root.append(panel);
}

start();
