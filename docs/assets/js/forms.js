/*
 * ENT Parents - the site's forms. One module, no framework, no inline script (strict CSP).
 * API contract: shared DESIGN §3. Every form is plain HTML in a Markdown page:
 *
 *   <form data-api="/api/login"            POST target (JSON, same origin)
 *         data-token                       add {token} read from the address (#t=...)
 *         data-token-missing="panel-id"    shown instead of the form when there is no token
 *         data-link-purpose="activation"   the token's purpose: its state is asked when the page opens
 *         data-link-expired="panel-id"     (POST /api/links/status) and the panel of a dead link is
 *         data-link-used="panel-id"        shown at once instead of the form (data-link-invalid too,
 *         data-link-invalid="panel-id"     and for a link of another purpose)
 *         data-success="panel-id"          shown (and focused) after a 2xx without `next`
 *         data-success-redirect="/compte/" followed after a 2xx without `next`
 *         data-keep                        keep the form (emptied) after success (Mon compte)
 *         data-with="id id"                 also send these fields of another form (their name: value)
 *         data-done-hides="panel-id"       hidden after a 2xx (the panel this answer replaces)
 *         data-pending="panel-id"           on email_confirmation_pending: show this panel instead
 *                                          (its [data-fill=pending_email] gets the masked address)
 *         data-sso-demande                 add {demande}: the app a first connection came from (sso.js)
 *         data-sso-offer="panel-id">       after a 2xx with `continue`: « Continuer vers <app> » (sso.js)
 *     <div class="ent-field"> label, hint, <input name="json_key" ...> </div>
 *
 * Field attributes: `required` + data-msg-required, data-type="date" (JJ/MM/AAAA, sent as
 * AAAA-MM-JJ), type="email", data-rule="password" (live check of the rule), data-match="name"
 * (confirmation), data-differs="name", data-msg-* for the messages, data-remember="key" (kept in
 * sessionStorage for the next page: the profile only), data-suggest-domain on an email field
 * (« Vouliez-vous dire …@gmail.com ? » under it for a misspelled common domain: email-typos.js).
 *
 * Answers: {"next": "first-connection" | "home"} -> /premiere-connexion/ | /compte/;
 * errors {error, message, field?, help?}: the French `message` is shown in a summary at the top
 * (role=alert, focused, each item a link to its field) and beside the field; `help` (else the
 * table HELP) gives the link to the matching help answer; 429 uses Retry-After (minutes).
 */

import { suggestEmail } from "./email-typos.js";
import { continueUrl, forgetReference, offerContinuation, rememberedReference, showApps, startSso } from "./sso.js";

const ROUTES = {
  "first-connection": "/premiere-connexion/",
  home: "/compte/",
  login: "/connexion/",
};

/* Help answers by error code (the backend's `help` wins when it sends one). */
const HELP = {
  invalid_credentials: "/aide/se-connecter/#identifiants-incorrects",
  account_deactivated: "/aide/compte-desactive/#compte-desactive",
  email_confirmation_pending: "/aide/premiere-connexion/#renvoyer-le-lien",
  account_locked: "/aide/compte-bloque/#compte-bloque",
  too_many_attempts: "/aide/compte-bloque/#trop-de-demandes",
  too_many_requests: "/aide/compte-bloque/#trop-de-demandes",
  password_policy: "/aide/regle-mot-de-passe/#regle-mot-de-passe",
  birth_date_mismatch: "/aide/premiere-connexion/#date-de-naissance",
  letter_spent: "/aide/premiere-connexion/#date-de-naissance",
  invalid_email: "/aide/premiere-connexion/#adresse-electronique",
  current_password_incorrect: "/aide/mot-de-passe-oublie/#mot-de-passe-oublie",
  token_expired: "/aide/lien-courriel/#lien-activation-expire",
  token_used: "/aide/lien-courriel/#lien-activation-utilise",
  token_invalid: "/aide/lien-courriel/#lien-invalide",
};

/* The same code can mean another answer on another form. */
const HELP_BY_API = {
  "/api/first-connection": { not_authenticated: "/aide/premiere-connexion/#session-expiree" },
  "/api/recovery/password/reset": {
    token_expired: "/aide/lien-courriel/#lien-reinitialisation-expire",
    token_used: "/aide/lien-courriel/#lien-reinitialisation-utilise",
  },
  "/api/account/email/confirm": {
    token_expired: "/aide/lien-courriel/#lien-adresse-expire",
    token_used: "/aide/lien-courriel/#lien-adresse-utilise",
  },
  "/api/account/email": { invalid_email: "/aide/changer-adresse/#changer-adresse" },
};

/* Link texts of the help answers (any other help link reads "Voir l'aide sur ce point"). */
const HELP_TEXT = {
  "/aide/se-connecter/#identifiants-incorrects": "Aide : identifiant ou mot de passe refusé",
  "/aide/compte-desactive/#compte-desactive": "Aide : mon compte est désactivé",
  "/aide/premiere-connexion/#renvoyer-le-lien": "Aide : recevoir un nouveau lien d'activation",
  "/aide/compte-bloque/#compte-bloque": "Aide : mon compte est bloqué",
  "/aide/compte-bloque/#trop-de-demandes": "Aide : trop de demandes",
  "/aide/regle-mot-de-passe/#regle-mot-de-passe": "Aide : la règle du mot de passe",
  "/aide/premiere-connexion/#date-de-naissance": "Aide : quelle date de naissance saisir",
  "/aide/premiere-connexion/#adresse-electronique": "Aide : l'adresse électronique",
  "/aide/premiere-connexion/#session-expiree": "Aide : le temps de la première connexion est dépassé",
  "/aide/mot-de-passe-oublie/#mot-de-passe-oublie": "Aide : j'ai oublié mon mot de passe",
  "/aide/lien-courriel/#lien-activation-expire": "Aide : mon lien d'activation a expiré",
  "/aide/lien-courriel/#lien-activation-utilise": "Aide : mon lien d'activation a déjà servi",
  "/aide/lien-courriel/#lien-reinitialisation-expire": "Aide : mon lien de nouveau mot de passe a expiré",
  "/aide/lien-courriel/#lien-reinitialisation-utilise": "Aide : mon lien de nouveau mot de passe a déjà servi",
  "/aide/lien-courriel/#lien-adresse-expire": "Aide : mon lien de confirmation d'adresse a expiré",
  "/aide/lien-courriel/#lien-adresse-utilise": "Aide : mon lien de confirmation d'adresse a déjà servi",
  "/aide/lien-courriel/#lien-invalide": "Aide : mon lien ne fonctionne pas",
  "/aide/changer-adresse/#changer-adresse": "Aide : changer d'adresse électronique",
};

/* The next step, as a link beside the message. */
const ACTIONS = {
  "/api/login": {
    email_confirmation_pending: ["/activation/renvoi/", "Recevoir un nouveau lien d'activation"],
  },
  "/api/first-connection": { not_authenticated: ["/connexion/", "Se reconnecter"] },
  "/api/activation": {
    token_expired: ["/activation/renvoi/", "Recevoir un nouveau lien d'activation"],
    token_used: ["/connexion/", "Se connecter"],
    token_invalid: ["/activation/renvoi/", "Recevoir un nouveau lien d'activation"],
  },
  "/api/recovery/password/reset": {
    token_expired: ["/mot-de-passe-oublie/", "Demander un nouveau lien"],
    token_used: ["/mot-de-passe-oublie/", "Demander un nouveau lien"],
    token_invalid: ["/mot-de-passe-oublie/", "Demander un nouveau lien"],
  },
  "/api/account/email/confirm": {
    token_expired: ["/compte/", "Aller à Mon compte"],
    token_used: ["/compte/", "Aller à Mon compte"],
    token_invalid: ["/compte/", "Aller à Mon compte"],
  },
  "/api/account/password": { not_authenticated: ["/connexion/", "Se connecter"] },
  "/api/account/email": { not_authenticated: ["/connexion/", "Se connecter"] },
};

/* Used only when the answer carries no French `message`. */
const MESSAGES = {
  invalid_credentials: "Identifiant ou mot de passe incorrect.",
  account_deactivated: "Votre compte est désactivé. Contactez votre établissement pour le faire vérifier.",
  email_confirmation_pending: "Votre compte n'est pas encore activé : cliquez sur le lien reçu par courriel.",
  account_locked: "Trop d'essais incorrects : votre compte est bloqué pour un moment.",
  too_many_attempts: "Trop de demandes. Patientez avant de réessayer.",
  too_many_requests: "Trop de demandes. Patientez avant de réessayer.",
  password_policy: "Ce mot de passe ne respecte pas la règle : 8 à 14 caractères, lettres ET chiffres obligatoires.",
  password_mismatch: "Les deux mots de passe saisis ne sont pas identiques.",
  invalid_email: "Cette adresse électronique n'est pas valide.",
  birth_date_mismatch: "La date de naissance ne correspond pas.",
  token_expired: "Ce lien a expiré.",
  token_used: "Ce lien a déjà été utilisé.",
  token_invalid: "Ce lien n'est pas valide.",
  not_authenticated: "Vous n'êtes pas connecté, ou votre session a expiré.",
  current_password_incorrect: "Le mot de passe actuel est incorrect.",
  network: "Le service est injoignable. Vérifiez votre connexion à Internet, puis réessayez.",
  server: "Le service ne répond pas correctement. Réessayez dans quelques minutes.",
};

/* Which field an error belongs to, when the answer does not say. */
const FIELD_OF = {
  password_policy: ["new_password"],
  password_mismatch: ["new_password_confirmation"],
  invalid_email: ["email", "new_email"],
  birth_date_mismatch: ["birth_date"],
  current_password_incorrect: ["current_password"],
};

const PROFILE_KEY = "ent.profile";

/* ---------------------------------------------------------------- token (#t=...) */

/* Read, then wiped from the address bar: it never reaches history, Referer or logs. */
function takeToken() {
  if (!location.hash.startsWith("#t=")) return null;
  const token = new URLSearchParams(location.hash.slice(1)).get("t");
  history.replaceState(history.state, "", location.pathname + location.search);
  return token || null;
}

let TOKEN = null;

/* ---------------------------------------------------------------- small helpers */

function el(tag, attrs = {}, text = "") {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text) node.textContent = text;
  return node;
}

function rootPath(path) {
  return new URL(path, location.origin).href;
}

function go(path) {
  location.assign(rootPath(path));
}

function fieldsNamed(form, name) {
  return Array.from(form.elements).filter((field) => field.name === name);
}

function fieldOf(form, name) {
  return fieldsNamed(form, name)[0] || null;
}

function label(field) {
  return (field.labels && field.labels[0] && field.labels[0].textContent.trim()) || field.name;
}

function minutesText(minutes) {
  if (minutes >= 60 && minutes % 60 === 0) return minutes === 60 ? "1 heure" : `${minutes / 60} heures`;
  return minutes <= 1 ? "1 minute" : `${minutes} minutes`;
}

function retryMinutes(response) {
  const value = response.headers.get("Retry-After");
  if (!value) return null;
  let seconds = Number(value);
  if (!Number.isFinite(seconds)) {
    const date = Date.parse(value);
    if (Number.isNaN(date)) return null;
    seconds = (date - Date.now()) / 1000;
  }
  return Math.max(1, Math.ceil(seconds / 60));
}

/*
 * JJ/MM/AAAA (or J/M/AAAA, with / - . or spaces; or JJMMAAAA, typed on a phone's numeric keypad
 * which has no "/") or AAAA-MM-JJ -> AAAA-MM-JJ; null if not a real date in the past.
 */
export function parseDate(text) {
  const match = /^\s*(\d{1,2})\s*[/.\- ]\s*(\d{1,2})\s*[/.\- ]\s*(\d{4})\s*$/.exec(text)
    || /^\s*(\d{2})(\d{2})(\d{4})\s*$/.exec(text);
  const iso = /^\s*(\d{4})-(\d{2})-(\d{2})\s*$/.exec(text);
  let day, month, year;
  if (match) [, day, month, year] = match.map(Number);
  else if (iso) [, year, month, day] = iso.map(Number);
  else return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  const real = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  if (!real || year < 1900 || date.getTime() > Date.now()) return null;
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/* The ENT's rule, as the server counts it: NFC code points, any letter, any decimal digit. */
export function checkPassword(value) {
  const text = value.normalize("NFC");
  const length = Array.from(text).length;
  return {
    length: length >= 8 && length <= 14,
    letter: /\p{L}/u.test(text),
    digit: /\p{Nd}/u.test(text),
    tooLong: length > 14,
  };
}

/* ---------------------------------------------------------------- errors on screen */

function errorBox(form) {
  let box = form.querySelector(".ent-summary");
  if (!box) {
    box = el("div", { class: "ent-summary", role: "alert", tabindex: "-1", hidden: "" });
    form.prepend(box);
  }
  return box;
}

/* The fields of another form this one also sends (data-with): the identifier and password typed above. */
function borrowed(form) {
  const ids = (form.dataset.with || "").split(/\s+/).filter(Boolean);
  return ids.map((id) => document.getElementById(id)).filter(Boolean);
}

function unmark(field) {
  if (!field.hasAttribute("aria-invalid")) return;
  field.removeAttribute("aria-invalid");
  const original = field.dataset.describedby;
  if (original) field.setAttribute("aria-describedby", original);
  else field.removeAttribute("aria-describedby");
  const wrap = field.closest(".ent-field");
  if (wrap) {
    wrap.classList.remove("ent-field--error");
    for (const message of wrap.querySelectorAll(".ent-error")) message.remove();
  }
}

function clearErrors(form) {
  const box = errorBox(form);
  box.hidden = true;
  box.replaceChildren();
  for (const message of form.querySelectorAll(".ent-error")) message.remove();
  for (const field of [...form.querySelectorAll("[aria-invalid]"), ...borrowed(form)]) unmark(field);
  for (const wrap of form.querySelectorAll(".ent-field--error")) wrap.classList.remove("ent-field--error");
}

function helpLink(href) {
  const link = el("a", { class: "ent-help", href: rootPath(href) }, HELP_TEXT[href] || "Voir l'aide sur ce point");
  return link;
}

/* Show the message beside its field (all radios of a group share one message). */
function markField(form, field, text) {
  const group = field.type === "radio" ? fieldsNamed(form, field.name) : [field];
  const wrap = field.closest(".ent-field") || field.parentElement;
  const id = `${group[0].id}-error`;
  if (!document.getElementById(id)) {
    const message = el("p", { class: "ent-error", id });
    message.append(el("span", { class: "ent-visually-hidden" }, "Erreur : "), text);
    const legend = field.type === "radio" ? wrap.querySelector("legend") : null;
    const anchor = wrap.querySelector(".ent-input") || field;
    if (legend) legend.after(message);
    else anchor.before(message);
  }
  wrap.classList.add("ent-field--error");
  for (const input of group) {
    if (input.dataset.describedby === undefined) input.dataset.describedby = input.getAttribute("aria-describedby") || "";
    const ids = [id, ...input.dataset.describedby.split(/\s+/).filter(Boolean)];
    input.setAttribute("aria-describedby", ids.join(" "));
    input.setAttribute("aria-invalid", "true");
  }
}

/*
 * errors: [{field?: element, message, help?, action?: [href, text]}].
 * The summary is focused: a screen reader reads it, the keyboard goes on from there.
 */
function showErrors(form, errors, title) {
  const box = errorBox(form);
  const count = errors.length;
  box.append(el("h2", { class: "ent-summary__title" },
    title || (count > 1 ? `Le formulaire contient ${count} erreurs` : "Le formulaire contient une erreur")));
  const list = el("ul", { class: "ent-summary__list" });
  for (const error of errors) {
    const item = el("li");
    if (error.field) {
      const link = el("a", { href: `#${error.field.id}` }, error.message);
      link.addEventListener("click", (event) => {
        event.preventDefault();
        const target = error.field.type === "radio"
          ? fieldsNamed(form, error.field.name).find((radio) => radio.checked) || error.field
          : error.field;
        (target.closest(".ent-field") || target).scrollIntoView({ block: "center" });
        target.focus();
      });
      item.append(link);
      markField(form, error.field, error.message);
    } else {
      item.append(el("span", {}, error.message));
    }
    if (error.action) {
      item.append(" ", el("a", { class: "ent-action", href: rootPath(error.action[0]) }, error.action[1]));
    }
    if (error.help) item.append(" ", helpLink(error.help));
    list.append(item);
  }
  box.append(list);
  box.hidden = false;
  box.focus();
  box.scrollIntoView({ block: "start" });
}

/* ---------------------------------------------------------------- checks before sending */

function validate(form) {
  const errors = [];
  const seen = new Set();
  for (const field of [...borrowed(form), ...form.elements]) {
    if (!field.name || field.disabled || seen.has(field.name) || field.closest("[hidden]")) continue;
    const value = field.type === "radio"
      ? (fieldsNamed(form, field.name).find((radio) => radio.checked) || {}).value || ""
      : field.value;
    const say = (key, fallback) => errors.push({ field, message: field.dataset[key] || fallback });
    if (field.required && !value.trim()) {
      seen.add(field.name);
      say("msgRequired", `Renseignez le champ « ${label(field)} ».`);
      continue;
    }
    if (!value) continue;
    if (field.dataset.type === "date" && !parseDate(value)) {
      say("msgFormat", "Saisissez une date réelle au format JJ/MM/AAAA, par exemple 23/04/2012.");
    } else if (field.type === "email" && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim())) {
      say("msgFormat", "Saisissez une adresse électronique complète, par exemple nom@exemple.fr.");
    } else if (field.dataset.rule === "password") {
      const check = checkPassword(value);
      if (!(check.length && check.letter && check.digit)) {
        say("msgRule", "Le mot de passe doit respecter la règle : 8 à 14 caractères, lettres ET chiffres obligatoires.");
      } else if (field.dataset.differs && value === (fieldOf(form, field.dataset.differs) || {}).value) {
        say("msgDiffers", "Choisissez un nouveau mot de passe différent du mot de passe actuel.");
      }
    } else if (field.dataset.match && value !== (fieldOf(form, field.dataset.match) || {}).value) {
      say("msgMatch", "Les deux mots de passe saisis ne sont pas identiques.");
    }
    seen.add(field.name);
  }
  return errors;
}

function collect(form) {
  const body = {};
  for (const field of form.elements) {
    if (!field.name || field.disabled || field.dataset.skip !== undefined) continue;
    if (field.type === "radio" || field.type === "checkbox") {
      if (field.checked) body[field.name] = field.value;
      continue;
    }
    if (field.tagName === "BUTTON" || field.type === "submit") continue;
    let value = field.type === "password" || field.dataset.rule === "password" ? field.value : field.value.trim();
    if (field.dataset.type === "date") value = parseDate(value) || value;
    body[field.name] = value;
  }
  if (form.hasAttribute("data-token")) body.token = TOKEN;
  if (form.hasAttribute("data-sso-demande") && rememberedReference()) body.demande = rememberedReference();
  for (const field of borrowed(form)) {
    if (field.name) body[field.name] = field.type === "password" ? field.value : field.value.trim();
  }
  return body;
}

/* ---------------------------------------------------------------- talking to the API */

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    credentials: "same-origin",
    cache: "no-store",
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let data = {};
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  return { response, data };
}

function describeError(form, response, data) {
  const api = form.dataset.api;
  if (!data || typeof data !== "object" || !data.error) {
    return { message: response.status === 429 ? MESSAGES.too_many_requests : MESSAGES.server };
  }
  const code = data.error;
  let message = data.message || MESSAGES[code] || MESSAGES.server;
  if (response.status === 429) {
    const minutes = retryMinutes(response);
    if (minutes && !/minute|heure/.test(message)) message = `${message} Vous pourrez réessayer dans ${minutesText(minutes)}.`;
  }
  const names = data.field ? [data.field] : FIELD_OF[code] || [];
  const field = names.map((name) => fieldOf(form, name)).find(Boolean) || null;
  const help = data.help || (HELP_BY_API[api] || {})[code] || HELP[code] || null;
  const action = (ACTIONS[api] || {})[code] || null;
  return { field, message, help, action };
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

function showPanel(id, body) {
  const panel = id && document.getElementById(id);
  if (!panel) return;
  for (const slot of panel.querySelectorAll("[data-fill]")) slot.textContent = body[slot.dataset.fill] || "";
  for (const inner of panel.querySelectorAll("form[data-api]")) {
    errorBox(inner);
    inner.hidden = false;
  }
  panel.hidden = false;
  if (!panel.hasAttribute("tabindex")) panel.setAttribute("tabindex", "-1");
  panel.focus();
}

function succeed(form, data, body) {
  form.dispatchEvent(new CustomEvent("ent:success"));
  const next = data && data.next;
  if (next === "home" && continueUrl()) return go(continueUrl()); /* back to the app this login is for */
  if (next && next !== "check-email" && ROUTES[next]) return go(ROUTES[next]);
  if (form.hasAttribute("data-sso-demande")) forgetReference(); /* the account now remembers the app */
  if (form.dataset.ssoOffer) offerContinuation(form.dataset.ssoOffer, data);
  if (form.dataset.successRedirect) return go(form.dataset.successRedirect);
  if (form.hasAttribute("data-keep")) {
    form.reset();
    for (const input of form.querySelectorAll("[data-rule=password]")) input.dispatchEvent(new Event("input"));
  } else {
    form.hidden = true;
  }
  const replaced = form.dataset.doneHides && document.getElementById(form.dataset.doneHides);
  if (replaced) replaced.hidden = true;
  showPanel(form.dataset.success, { ...body, ...(data && typeof data === "object" ? data : {}) });
}

async function submit(form, event) {
  event.preventDefault();
  if (form.hasAttribute("data-busy")) return;
  clearErrors(form);
  for (const button of form.querySelectorAll("[data-reveal][aria-pressed=true]")) button.click();
  if (form.dataset.success) {
    const panel = document.getElementById(form.dataset.success);
    if (panel && form.hasAttribute("data-keep")) panel.hidden = true;
  }
  if (form.dataset.pending) {
    const panel = document.getElementById(form.dataset.pending);
    if (panel) panel.hidden = true;
  }
  const errors = validate(form);
  if (errors.length) return showErrors(form, errors);
  for (const field of form.querySelectorAll("[data-remember]")) {
    if (field.type !== "radio" || field.checked) {
      try {
        sessionStorage.setItem(field.dataset.remember, field.value);
      } catch {
        /* private mode: the next page shows its generic wording */
      }
    }
  }
  const body = collect(form);
  setBusy(form, true);
  let result;
  try {
    result = await post(form.dataset.api, body);
  } catch {
    setBusy(form, false);
    return showErrors(form, [{ message: MESSAGES.network }], "Votre demande n'a pas été envoyée");
  }
  setBusy(form, false);
  const { response, data } = result;
  if (response.ok) return succeed(form, data, body);
  if (form.dataset.pending && data && data.error === "email_confirmation_pending" && data.pending_email) {
    return showPanel(form.dataset.pending, data); /* the awaited address, and the two ways on */
  }
  return showErrors(form, [describeError(form, response, data)], "Votre demande n'a pas abouti");
}

/* ---------------------------------------------------------------- live helpers */

const RULE_PARTS = {
  length: ["Entre 8 et 14 caractères", "entre 8 et 14 caractères"],
  letter: ["Au moins une lettre", "une lettre"],
  digit: ["Au moins un chiffre", "un chiffre"],
};

/* The rule list under a new password, checked as the person types. */
function setupRule(input) {
  const list = document.querySelector(`[data-rule-for="${input.id}"]`);
  if (!list) return;
  const live = el("p", { class: "ent-visually-hidden", "aria-live": "polite" });
  list.after(live);
  let timer = null;
  const update = () => {
    const value = input.value;
    const check = checkPassword(value);
    const missing = [];
    for (const item of list.querySelectorAll("[data-check]")) {
      const part = item.dataset.check;
      const ok = check[part];
      if (!ok) missing.push(part === "length" && check.tooLong ? "14 caractères au plus" : RULE_PARTS[part][1]);
      item.dataset.state = value ? (ok ? "ok" : "ko") : "";
      let state = item.querySelector(".ent-visually-hidden");
      if (!state) {
        state = el("span", { class: "ent-visually-hidden" });
        item.append(state);
      }
      state.textContent = value ? (ok ? " : respecté" : " : pas encore respecté") : "";
    }
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (!value) live.textContent = "";
      else if (!missing.length) live.textContent = "Le mot de passe respecte la règle.";
      else live.textContent = `Il manque : ${missing.join(", ")}.`;
    }, 900);
  };
  input.addEventListener("input", update);
  update();
}

/* "Identiques" / "différents" under a confirmation field, once something is typed in it. */
function setupMatch(form, confirmation) {
  const original = fieldOf(form, confirmation.dataset.match);
  if (!original) return;
  const status = el("p", { class: "ent-match", "aria-live": "polite", id: `${confirmation.id}-match` });
  const wrap = confirmation.closest(".ent-input") || confirmation;
  wrap.after(status);
  let timer = null;
  const update = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (!confirmation.value) {
        status.textContent = "";
        status.dataset.state = "";
      } else if (confirmation.value === original.value) {
        status.textContent = "Les deux mots de passe sont identiques.";
        status.dataset.state = "ok";
      } else if (!original.value.startsWith(confirmation.value)) {
        status.textContent = "Les deux mots de passe sont différents.";
        status.dataset.state = "ko";
      } else {
        status.textContent = "";
        status.dataset.state = "";
      }
    }, 600);
  };
  confirmation.addEventListener("input", update);
  original.addEventListener("input", update);
}

/* « Vouliez-vous dire …@gmail.com ? » under an email field: a suggestion, applied in one click. */
function setupDomainSuggestion(input) {
  const note = el("p", { class: "ent-suggestion", id: `${input.id}-suggestion`, "aria-live": "polite" });
  (input.closest(".ent-input") || input).after(note);
  let timer = null;
  const update = () => {
    clearTimeout(timer);
    const suggestion = suggestEmail(input.value);
    if (suggestion && note.dataset.suggestion === suggestion) return; /* shown already: keep its button */
    note.dataset.suggestion = suggestion || "";
    note.replaceChildren();
    if (!suggestion) return;
    /* Its name keeps the visible address (WCAG 2.5.3) and says what a press does. */
    const name = `Corriger l'adresse en ${suggestion}`;
    const fix = el("button", { type: "button", class: "ent-suggestion__fix", "aria-label": name }, suggestion);
    fix.addEventListener("click", () => {
      input.value = suggestion;
      note.dataset.suggestion = "";
      note.replaceChildren(`Adresse corrigée\u00a0: ${suggestion}.`);
      input.focus();
    });
    note.append("Vouliez-vous dire ", fix, "\u00a0?");
  };
  input.addEventListener("change", update);
  input.addEventListener("input", () => {
    clearTimeout(timer);
    if (!suggestEmail(input.value)) {
      note.dataset.suggestion = "";
      note.replaceChildren();
    }
    timer = setTimeout(update, 800);
  });
}

/* "Afficher" buttons beside password fields. */
function setupReveal(button) {
  const input = document.getElementById(button.dataset.reveal);
  if (!input) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    const show = input.type === "password";
    input.type = show ? "text" : "password";
    button.setAttribute("aria-pressed", show ? "true" : "false");
  });
}

/* Texts that depend on the profile chosen at login (Parent / Élève). */
function applyProfile() {
  let profile = null;
  try {
    profile = sessionStorage.getItem(PROFILE_KEY);
  } catch {
    return;
  }
  if (profile !== "parent" && profile !== "eleve") return;
  for (const node of document.querySelectorAll("[data-profile-show]")) {
    node.hidden = node.dataset.profileShow !== profile;
  }
  /* Autofill of "bday" gives the person's own date: right for a pupil, wrong for a parent. */
  if (profile === "eleve") {
    for (const input of document.querySelectorAll("[data-autocomplete-eleve]")) {
      input.setAttribute("autocomplete", input.dataset.autocompleteEleve);
    }
  }
}

/* Mon compte: who is logged in, or back to the login page. */
async function loadSession(root) {
  const loading = root.querySelector("[data-session-loading]");
  const content = root.querySelector("[data-session-content]");
  let response;
  try {
    response = await fetch("/api/session", {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch {
    loading.textContent = MESSAGES.network;
    return;
  }
  if (response.status === 401) {
    location.replace(rootPath(ROUTES.login));
    return;
  }
  let data = null;
  try {
    data = response.ok ? await response.json() : null;
  } catch {
    data = null;
  }
  if (!data) {
    loading.textContent = MESSAGES.server;
    return;
  }
  const profiles = { parent: "Parent", eleve: "Élève" };
  const shown = {
    profile: (value) => profiles[value] || value,
    /* A parent's account is for one child: « Zoé, 6e B » tells two children's accounts apart. */
    child: (value) => (value ? [value.first_name, value.class].filter(Boolean).join(", ") : ""),
    school_name: (value) => value || data.school,
  };
  for (const slot of document.querySelectorAll("[data-session-field]")) {
    const name = slot.dataset.sessionField;
    const value = shown[name] ? shown[name](data[name]) : data[name];
    if (slot.tagName === "INPUT") slot.value = value || "";
    else slot.textContent = value || "—";
  }
  showApps(document.querySelector("[data-session-apps]"), data.apps);
  /* Rows for what only some accounts have: a parent's child, an address awaiting confirmation. */
  for (const row of document.querySelectorAll("[data-session-row]")) {
    row.hidden = !data[row.dataset.sessionRow];
  }
  loading.hidden = true;
  content.hidden = false;
}

/* ---------------------------------------------------------------- a link's state (#t=...) */

const LINK_PANELS = { expired: "linkExpired", used: "linkUsed", invalid: "linkInvalid" };

function linkPanels(form) {
  return Object.values(LINK_PANELS).map((key) => document.getElementById(form.dataset[key])).filter(Boolean);
}

/* Ask the link's state without using it; a dead link gets its panel at once, a live one the form.
   If the answer cannot be had (network, too many requests), the form is shown: it tells on sending. */
async function checkLink(form, token) {
  for (const panel of linkPanels(form)) panel.hidden = true;
  let state = null;
  try {
    const { response, data } = await post("/api/links/status", { token });
    if (response.ok && data && typeof data.status === "string") state = data;
  } catch {
    state = null;
  }
  if (token !== TOKEN) return; /* a newer link was pasted meanwhile: its own check decides */
  let status = state ? state.status : "valid";
  if (state && status !== "invalid" && state.purpose !== form.dataset.linkPurpose) status = "invalid";
  const panel = status === "valid" ? null : document.getElementById(form.dataset[LINK_PANELS[status]] || "");
  if (!panel) {
    form.hidden = false;
    return;
  }
  form.hidden = true;
  showPanel(panel.id, {});
}

/* ---------------------------------------------------------------- the first connection's 15 minutes */

const DRAFT_KEY = "ent.first-connection.draft";
const WARN_BEFORE_SECONDS = 120;

function isSecretField(field) {
  return field.type === "password" || field.dataset.rule === "password" || /password/.test(field.name);
}

/* What was typed, passwords never: kept for the form after logging in again. */
function saveDraft(form) {
  const draft = {};
  for (const field of form.elements) {
    if (!field.name || isSecretField(field) || field.tagName === "BUTTON" || field.type === "submit") continue;
    if ((field.type === "radio" || field.type === "checkbox") && !field.checked) continue;
    if (field.value) draft[field.name] = field.value;
  }
  try {
    if (Object.keys(draft).length) sessionStorage.setItem(DRAFT_KEY, JSON.stringify(draft));
  } catch {
    /* private mode: nothing is kept */
  }
}

function restoreDraft(form) {
  let draft = null;
  try {
    draft = JSON.parse(sessionStorage.getItem(DRAFT_KEY) || "null");
  } catch {
    draft = null;
  }
  if (!draft || typeof draft !== "object") return false;
  let filled = false;
  for (const [name, value] of Object.entries(draft)) {
    for (const field of fieldsNamed(form, name)) {
      if (isSecretField(field) || typeof value !== "string") continue;
      if (field.type === "radio" || field.type === "checkbox") field.checked = field.value === value;
      else field.value = value;
      filled = true;
    }
  }
  return filled;
}

function forgetDraft() {
  try {
    sessionStorage.removeItem(DRAFT_KEY);
  } catch {
    /* nothing to forget */
  }
}

function clockText(seconds) {
  const minutes = Math.floor(seconds / 60);
  const rest = String(seconds % 60).padStart(2, "0");
  return `${minutes} min ${rest} s`;
}

/* The first-connection page: its session checked when it opens, the time left shown, a warning
   two minutes before (a polite live region), and on expiry what was typed kept for after login. */
async function setupFirstConnectionTimer(root) {
  const form = document.getElementById(root.dataset.firstConnectionTimer);
  if (!form) return;
  let response;
  try {
    response = await fetch("/api/first-connection/session", {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch {
    return; /* the form still tells on sending */
  }
  if (response.status === 401) {
    location.replace(rootPath(ROUTES.login));
    return;
  }
  let data = null;
  try {
    data = response.ok ? await response.json() : null;
  } catch {
    data = null;
  }
  if (!data || !Number.isFinite(data.expires_in)) return;
  const clock = root.querySelector("[data-time-left]");
  const live = root.querySelector("[data-time-warning]");
  const expired = document.getElementById(root.dataset.expiredPanel);
  root.hidden = false; /* shown before its live region speaks, or nothing is announced */
  if (restoreDraft(form)) {
    live.textContent = "Ce que vous aviez saisi a été remis dans le formulaire (sauf les mots de passe).";
  }
  form.addEventListener("ent:success", () => {
    forgetDraft();
    root.hidden = true;
    clearInterval(timer);
  });
  const deadline = Date.now() + data.expires_in * 1000;
  let warned = false;
  const tick = () => {
    const left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    clock.textContent = clockText(left);
    if (!warned && left <= WARN_BEFORE_SECONDS && left > 0) {
      warned = true;
      root.classList.add("ent-timer--warning");
      live.textContent = "Attention : il vous reste 2 minutes pour enregistrer. Ensuite, il faudra vous reconnecter"
        + " ; ce que vous avez saisi sera gardé, sauf les mots de passe.";
    }
    if (left > 0) return;
    clearInterval(timer);
    saveDraft(form);
    form.hidden = true;
    root.hidden = true;
    if (expired) showPanel(expired.id, {});
  };
  const timer = setInterval(tick, 1000);
  tick();
}

/* ---------------------------------------------------------------- start */

/* A token form shows either itself (token read) or its "link incomplete" panel. */
function showTokenForm(form) {
  const missing = document.getElementById(form.dataset.tokenMissing);
  if (missing) missing.hidden = Boolean(TOKEN);
  if (TOKEN && form.dataset.linkPurpose) {
    form.hidden = true;
    checkLink(form, TOKEN);
    return;
  }
  form.hidden = !TOKEN;
}

function setupForm(form) {
  form.noValidate = true;
  const inHiddenPanel = Boolean(form.closest(".ent-panel[hidden]"));
  if (!inHiddenPanel) errorBox(form); /* a panel's forms get theirs when it shows (showPanel) */
  for (const input of form.querySelectorAll("[data-rule=password]")) setupRule(input);
  for (const input of form.querySelectorAll("[data-match]")) setupMatch(form, input);
  for (const button of form.querySelectorAll("[data-reveal]")) setupReveal(button);
  for (const input of form.querySelectorAll("input[data-suggest-domain]")) setupDomainSuggestion(input);
  form.addEventListener("submit", (event) => submit(form, event));
  if (form.hasAttribute("data-token")) showTokenForm(form);
  else form.hidden = inHiddenPanel; /* shown with its panel (showPanel) */
}

function onHashChange() {
  const token = takeToken();
  if (!token) return;
  TOKEN = token;
  for (const form of document.querySelectorAll("form[data-api][data-token]")) {
    clearErrors(form);
    const done = document.getElementById(form.dataset.success);
    if (done) done.hidden = true;
    for (const panel of linkPanels(form)) panel.hidden = true;
    showTokenForm(form);
  }
}

function start() {
  TOKEN = takeToken();
  for (const note of document.querySelectorAll("[data-needs-script]")) note.hidden = true;
  applyProfile();
  for (const form of document.querySelectorAll("form[data-api]")) setupForm(form);
  for (const root of document.querySelectorAll("[data-session]")) loadSession(root);
  for (const root of document.querySelectorAll("[data-first-connection-timer]")) setupFirstConnectionTimer(root);
  startSso();
  /* A new link pasted in a tab already on the page changes only the hash: read it too. */
  window.addEventListener("hashchange", onHashChange);
}

/* In a browser, start; imported elsewhere (unit tests of parseDate, checkPassword), do nothing. */
if (typeof document !== "undefined") start();
