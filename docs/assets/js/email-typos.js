/*
 * ENT Parents - « Vouliez-vous dire …@gmail.com ? »: the one list of the mail domains families use
 * most in France, and the rule that finds a typo of one. Only ever a suggestion in the page (forms.js
 * shows it under the field, one click applies it): an address is never refused for its domain.
 *
 * The rule: a known name with the wrong ending (« gmail.fr »: gmail has only « .com »), or a
 * domain that is not in the list, within one typing slip (a letter missing, extra,
 * changed, or two swapped: Damerau-Levenshtein distance 1) of one that is, or two slips for a domain
 * of 8 characters or more (« hotmial.fe »); the nearest wins, then the first in the list.
 */

/* The families' usual domains, most common first. A domain here never gets a suggestion. */
export const KNOWN_DOMAINS = [
  "gmail.com",
  "orange.fr",
  "hotmail.fr",
  "hotmail.com",
  "outlook.fr",
  "outlook.com",
  "live.fr",
  "yahoo.fr",
  "yahoo.com",
  "wanadoo.fr",
  "laposte.net",
  "free.fr",
  "sfr.fr",
  "neuf.fr",
  "icloud.com",
  "me.com",
  "aol.com",
  "msn.com",
  "bbox.fr",
  "numericable.fr",
  "club-internet.fr",
  "aliceadsl.fr",
  "gmx.fr",
  "mail.com",
  "protonmail.com",
  "proton.me",
  "hotmail.be",
  "skynet.be",
  /* Neighbours' providers: right as typed, never "corrected" into a French one. */
  "googlemail.com",
  "hotmail.de",
  "hotmail.it",
  "hotmail.es",
  "hotmail.co.uk",
  "yahoo.de",
  "yahoo.es",
  "yahoo.it",
  "yahoo.co.uk",
  "gmx.de",
  "web.de",
  "libero.it",
];

/* Distance between two strings: insertions, deletions, substitutions and adjacent swaps. */
export function typingDistance(a, b) {
  const rows = [];
  for (let i = 0; i <= a.length; i += 1) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j += 1) {
      if (i === 0) {
        rows[0].push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      const swapped = i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1];
      if (swapped) best = Math.min(best, rows[i - 2][j - 2] + 1);
      rows[i].push(best);
    }
  }
  return rows[a.length][b.length];
}

/* The known domain `domain` is a typo of, or null. */
export function suggestDomain(domain) {
  const typed = domain.trim().toLowerCase();
  if (!typed || KNOWN_DOMAINS.includes(typed)) return null;
  /* The right name with another ending (« gmail.fr », « laposte.fr »), when the name has only one. */
  const name = typed.slice(0, typed.lastIndexOf(".") + 1);
  const sameName = name.length > 1 ? KNOWN_DOMAINS.filter((known) => known.startsWith(name)) : [];
  if (sameName.length === 1) return sameName[0];
  let found = null;
  let nearest = Infinity;
  for (const known of KNOWN_DOMAINS) {
    const allowed = known.length >= 8 ? 2 : 1;
    const distance = typingDistance(typed, known);
    if (distance <= allowed && distance < nearest) {
      found = known;
      nearest = distance;
    }
  }
  return found;
}

/* The address with its domain corrected (« f@gmail.com » for « f@gmial.com »), or null. */
export function suggestEmail(address) {
  const text = address.trim();
  const at = text.lastIndexOf("@");
  if (at < 1 || at === text.length - 1) return null;
  const domain = suggestDomain(text.slice(at + 1));
  return domain ? `${text.slice(0, at)}@${domain}` : null;
}
