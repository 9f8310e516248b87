"""Fold accents in the French search: "mot de passe oublie" finds "Mot de passe oublié".

Material's search plugin has no accent-folding option, and its search runs in a web worker that a
page script cannot reach. The worker loads `lunr.fr.min.js` (lunr-languages) before it builds the
index, so this hook appends a small patch to the built copy of that file. The patch:

- adds a `foldAccents-fr` step at the end of the index and query pipelines (é -> e, œ -> oe...);
- folds every query term as lunr parses it. Material appends a `*` to each term, and lunr skips the
  pipeline for wildcard terms, so folding in the parser is the only place that sees them all;
- drops the `*` of French stop words other than the last term ("mot de passe": "de*" would match
  every word starting with "de" and bury the right page), and tells Material's "missing term"
  marker that French stop words are never missing (they are not indexed);
- rewrites the words parents type into the words the pages use (`SYNONYMS`: "mdp" -> "mot passe",
  "e-mail" -> "courriel"; `WHOLE_QUERIES` for an old button's label typed alone), before lunr reads
  the query. Material parses the query twice (once to know its terms, once to search), both through
  `lunr.QueryParser`, so both see the same words, and the result highlights the page's own word.
  The page's words are searched whole, which needs punctuation among the search separators
  (mkdocs.yml). tests/browser/test_search_queries.py holds the table of real queries and the answer
  each must find first.

The text shown in results keeps its accents (only the index tokens are folded), and highlighting
still works (it uses token positions, not strings).
"""

from __future__ import annotations

import json
from pathlib import Path

from mkdocs.exceptions import PluginError

TARGET = Path("assets/javascripts/lunr/min/lunr.fr.min.js")
MARKER = "/* ent-parents: search accent folding */"

# lunr-languages' French stop words (lunr.fr.min.js), folded at load by the patch.
STOP_WORDS = (
    "ai aie aient aies ait as au aura aurai auraient aurais aurait auras aurez auriez aurions aurons"
    " auront aux avaient avais avait avec avez aviez avions avons ayant ayez ayons c ce ceci celà ces"
    " cet cette d dans de des du elle en es est et eu eue eues eurent eus eusse eussent eusses eussiez"
    " eussions eut eux eûmes eût eûtes furent fus fusse fussent fusses fussiez fussions fut fûmes fût"
    " fûtes ici il ils j je l la le les leur leurs lui m ma mais me mes moi mon même n ne nos notre"
    " nous on ont ou par pas pour qu que quel quelle quelles quels qui s sa sans se sera serai seraient"
    " serais serait seras serez seriez serions serons seront ses soi soient sois soit sommes son sont"
    " soyez soyons suis sur t ta te tes toi ton tu un une vos votre vous y à étaient étais était étant"
    " étiez étions été étée étées étés êtes"
)

# What parents type (accents folded, lower case; one word, or two with only stop words between them:
# "mot de pass", "pas d'adresse") -> the words the pages use, searched as whole words (not prefixes).
# The typed words are replaced: "mdp oublié" is searched as "mot passe oublie*". Stop words are not
# indexed: in a key only as its first word ("pas email": "pas" tells "I have none" from "email").
SYNONYMS: dict[str, str] = {
    # the email address
    "e mail": "courriel",
    "email": "courriel",
    "emails": "courriel",
    "mail": "courriel",
    "mails": "courriel",
    "mel": "courriel",
    "adresse": "adresse electronique",
    "adresse electronique": "adresse electronique",
    "adresse mail": "adresse electronique",
    "adresse email": "adresse electronique",
    "adresse courriel": "adresse electronique",
    "adresse messagerie": "adresse electronique",
    "pas adresse": "creer adresse electronique",
    "pas email": "creer adresse electronique",
    "pas mail": "creer adresse electronique",
    "pas courriel": "creer adresse electronique",
    "sans adresse": "creer adresse electronique",
    "sans email": "creer adresse electronique",
    "creer email": "creer adresse electronique",
    "creer mail": "creer adresse electronique",
    # the password
    "mdp": "mot passe",
    "password": "mot passe",
    "pwd": "mot passe",
    "mot pass": "mot passe",
    "code secret": "mot passe",
    # the identifier ("identifiants", the page about having none, stays a prefix search)
    "identifiant": "identifiant",
    "login": "identifiant",
    "code": "identifiant",
    "nom utilisateur": "identifiant",
    "id": "identifiant",
    # locked out
    "verrouille": "bloque",
    "verrouiller": "bloque",
    "verrou": "bloque",
    "bloquer": "bloque",
    # the mail that does not come
    "spam": "indesirables",
    "spams": "indesirables",
    "indesirable": "indesirables",
    # the school's old instructions (the FAQ the school hands out)
    "identifiez": "connecter",
    "valider": "connecter",
}

# Whole queries, as an old instruction names a button: typed alone, "mon compte" is the school's old
# « MON COMPTE » button (menu « Dossier élève », tab « Bureau »); followed by more words ("mon compte
# est bloqué") it is left alone.
WHOLE_QUERIES: dict[str, str] = {
    "mon compte": "bureau dossier eleve compte",
}

PATCH = (
    MARKER
    + r"""
(function (lunr, STOP_WORDS, SYNONYMS, WHOLE_QUERIES) {
  if (!lunr || !lunr.fr || lunr.fr.entFolded) return;
  var fold = function (text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/\u0153/g, "oe").replace(/\u00e6/g, "ae")
      .replace(/\u0152/g, "OE").replace(/\u00c6/g, "AE");
  };
  var foldToken = function (token) { return token.update(fold); };
  lunr.Pipeline.registerFunction(foldToken, "foldAccents-fr");
  var french = lunr.fr;
  var folded = function () {
    french.apply(this, arguments);
    this.pipeline.add(foldToken);
    this.searchPipeline.add(foldToken);
  };
  Object.keys(french).forEach(function (key) { folded[key] = french[key]; });
  folded.entFolded = true;
  lunr.fr = folded;
  var stop = {};
  STOP_WORDS.split(" ").forEach(function (word) { stop[fold(word)] = true; });
  var isLastTerm = function (parser) {
    for (var i = parser.lexemeIdx + 1; i < parser.lexemes.length; i++)
      if (parser.lexemes[i].type === lunr.QueryLexer.TERM) return false;
    return true;
  };
  var parseTerm = lunr.QueryParser.parseTerm;
  lunr.QueryParser.parseTerm = function (parser) {
    var lexeme = parser.peekLexeme();
    if (lexeme && typeof lexeme.str === "string") {
      lexeme.str = fold(lexeme.str);
      var bare = lexeme.str.replace(/\*$/, "");
      if (bare !== lexeme.str && stop[bare.toLowerCase()] && !isLastTerm(parser)) lexeme.str = bare;
    }
    return parseTerm(parser);
  };
  // "+e-mail*" -> [{sign: "+", word: "e", rest: ""}, {sign: "", word: "mail", rest: "*"}]: the words
  // lunr's lexer would see (Material leaves "-" and "'" inside a term for it to split).
  var words = function (query) {
    var out = [];
    query.split(/\s+/).filter(Boolean).forEach(function (part) {
      var match = /^([+-]?)([^*~^]*)(.*)$/.exec(part);
      var split = match[2].split(/[-'\u2019]+/).filter(Boolean);
      split.forEach(function (word, index) {
        out.push({ sign: index ? "" : match[1], word: fold(word).toLowerCase(),
                   rest: index === split.length - 1 ? match[3] : "" });
      });
    });
    return out;
  };
  var own = function (table, key) {  // "constructor" is no synonym
    return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : null;
  };
  var expand = function (query) {
    var parts = words(query), out = [];
    var whole = own(WHOLE_QUERIES, parts.map(function (part) { return part.word; }).join(" "));
    if (whole) return whole;
    for (var i = 0; i < parts.length; i++) {
      var next = i + 1;  // the next word that is not a stop word
      while (next < parts.length - 1 && stop[parts[next].word]) next++;
      var pair = next < parts.length && own(SYNONYMS, parts[i].word + " " + parts[next].word);
      var synonym = pair || own(SYNONYMS, parts[i].word);
      if (!synonym) { out.push(parts[i].sign + parts[i].word + parts[i].rest); continue; }
      var sign = parts[i].sign;
      if (pair) i = next;
      var rest = parts[i].rest.replace(/\*/g, "");  // whole words: "adresse*" would find "adresser"
      synonym.split(" ").forEach(function (word) { out.push(sign + word + rest); });
    }
    return out.join(" ");
  };
  var parse = lunr.QueryParser.prototype.parse;
  lunr.QueryParser.prototype.parse = function () {
    this.lexer.str = expand(this.lexer.str);
    this.lexer.length = this.lexer.str.length;
    return parse.call(this);
  };
  var english = lunr.stopWordFilter;
  var stopWordFilter = function (token) {
    if (token && !stop[fold(token.toString())]) return english(token);
  };
  lunr.Pipeline.registerFunction(stopWordFilter, "stopWordFilter-fr-folded");
  lunr.stopWordFilter = stopWordFilter;
})(self.lunr, "__STOP_WORDS__", __SYNONYMS__, __WHOLE_QUERIES__);
"""
)
PATCH = (
    PATCH.replace("__STOP_WORDS__", STOP_WORDS)
    .replace("__SYNONYMS__", json.dumps(SYNONYMS, sort_keys=True))
    .replace("__WHOLE_QUERIES__", json.dumps(WHOLE_QUERIES, sort_keys=True))
)


def on_post_build(config, **kwargs) -> None:
    """Append the folding patch to the built French lunr file."""
    target = Path(config["site_dir"]) / TARGET
    if not target.is_file():
        raise PluginError(f"search_fold: {TARGET} is missing: the theme changed, review this hook")
    text = target.read_text(encoding="utf-8")
    if MARKER not in text:
        target.write_text(text.rstrip("\n") + "\n" + PATCH, encoding="utf-8")
