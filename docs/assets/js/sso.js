/*
 * ENT Parents - single sign-on in the pages: the app a login comes from, and the way back to it.
 *
 * An app (CAS, OpenID Connect) sends a browser without a session to /connexion/?demande=<ref>.
 * The login page asks GET /api/sso/pending for the app's name and the URL that resumes its
 * sign-in (always one of our own endpoints: checked here too), shows « pour continuer vers <app> »,
 * and after the login goes there instead of Mon compte. A first connection carries the reference
 * (sessionStorage) to POST /api/first-connection, so the activation page, even on another device,
 * can offer « Continuer vers <app> ». Already signed in: straight through, unless the app asks for
 * a new login (force_login).
 */

const STORE_KEY = "ent.sso.demande";
const REFERENCE = /^[A-Za-z0-9_-]{16,64}$/;
/* Where a pending sign-in may resume: our CAS and OIDC endpoints, nothing else. */
const RESUME = /^\/(cas\/login|api\/oidc\/authorize)\?/;
const OFFER = /^\/connexion\/\?demande=[A-Za-z0-9_-]{16,64}$/;

let pending = null; /* {app_name, continue_url, force_login} of this page's ?demande= */

function remember(reference) {
  try {
    if (reference) sessionStorage.setItem(STORE_KEY, reference);
    else sessionStorage.removeItem(STORE_KEY);
  } catch {
    /* private mode: the activation page offers the app all the same (the server keeps it) */
  }
}

/* The reference the first connection sends on (set by the login page it came from). */
export function rememberedReference() {
  try {
    const reference = sessionStorage.getItem(STORE_KEY);
    return reference && REFERENCE.test(reference) ? reference : null;
  } catch {
    return null;
  }
}

export function forgetReference() {
  remember(null);
}

/* After a login whose answer is "home": the app's sign-in, if this page came from one. */
export function continueUrl() {
  return pending && RESUME.test(pending.continue_url) ? pending.continue_url : null;
}

async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" });
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  return { response, data };
}

function show(id, appName) {
  const panel = id && document.getElementById(id);
  if (!panel) return;
  for (const slot of panel.querySelectorAll("[data-sso-app]")) slot.textContent = appName || "";
  panel.hidden = false;
}

/* The login page: <div data-sso-pending="panel-id" data-sso-expired="panel-id">. */
async function setupLoginPage(root) {
  const reference = new URLSearchParams(location.search).get("demande");
  if (!reference) return;
  if (!REFERENCE.test(reference)) return show(root.dataset.ssoExpired);
  let answer;
  try {
    answer = await getJson(`/api/sso/pending?demande=${encodeURIComponent(reference)}`);
  } catch {
    return; /* the login still works; it ends on Mon compte */
  }
  const { response, data } = answer;
  if (!response.ok || !data || !RESUME.test(data.continue_url || "")) {
    forgetReference();
    return show(root.dataset.ssoExpired);
  }
  pending = data;
  remember(reference);
  show(root.dataset.ssoPending, data.app_name);
  if (data.force_login) return;
  try {
    const session = await fetch("/api/session", { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" });
    if (session.ok) location.replace(new URL(data.continue_url, location.origin).href);
  } catch {
    /* not known: the form is there */
  }
}

/* The activation page's « Continuer vers <app> » (its answer's `continue`). */
export function offerContinuation(panelId, data) {
  const offer = data && data.continue;
  const panel = panelId && document.getElementById(panelId);
  if (!panel || !offer || typeof offer.continue_url !== "string" || !OFFER.test(offer.continue_url)) return false;
  for (const link of panel.querySelectorAll("a[data-sso-continue]")) link.href = offer.continue_url;
  show(panelId, offer.app_name);
  return true;
}

/* Mon compte: the apps this account signed in to. */
export function showApps(list, apps) {
  if (!list) return;
  list.replaceChildren();
  const empty = document.querySelector("[data-session-apps-empty]");
  if (empty) empty.hidden = Array.isArray(apps) && apps.length > 0;
  if (!Array.isArray(apps)) return;
  const when = new Intl.DateTimeFormat("fr-FR", { dateStyle: "long", timeStyle: "short", timeZone: "Europe/Paris" });
  for (const app of apps) {
    const item = document.createElement("li");
    const name = document.createElement("strong");
    name.textContent = app.name;
    const date = new Date(app.last_sign_in);
    item.append(name, ` : dernière connexion le ${Number.isNaN(date.getTime()) ? "—" : when.format(date)}`);
    list.append(item);
  }
}

export function startSso() {
  for (const root of document.querySelectorAll("[data-sso-pending]")) setupLoginPage(root);
}
