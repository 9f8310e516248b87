"""Fold accents in the French search: "mot de passe oublie" finds "Mot de passe oublié".

Material's search plugin has no accent-folding option, and its search runs in a web worker that a
page script cannot reach. The worker loads `lunr.fr.min.js` (lunr-languages) before it builds the
index, so this hook appends a small patch to the built copy of that file. The patch:

- adds a `foldAccents-fr` step at the end of the index and query pipelines (é -> e, œ -> oe...);
- folds every query term as lunr parses it. Material appends a `*` to each term, and lunr skips the
  pipeline for wildcard terms, so folding in the parser is the only place that sees them all;
- drops the `*` of French stop words other than the last term ("mot de passe": "de*" would match
  every word starting with "de" and bury the right page), and tells Material's "missing term"
  marker that French stop words are never missing (they are not indexed).

The text shown in results keeps its accents (only the index tokens are folded), and highlighting
still works (it uses token positions, not strings).
"""

from __future__ import annotations

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

PATCH = MARKER + r"""
(function (lunr, STOP_WORDS) {
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
  var english = lunr.stopWordFilter;
  var stopWordFilter = function (token) {
    if (token && !stop[fold(token.toString())]) return english(token);
  };
  lunr.Pipeline.registerFunction(stopWordFilter, "stopWordFilter-fr-folded");
  lunr.stopWordFilter = stopWordFilter;
})(self.lunr, "__STOP_WORDS__");
""".replace("__STOP_WORDS__", STOP_WORDS)


def on_post_build(config, **kwargs) -> None:
    """Append the folding patch to the built French lunr file."""
    target = Path(config["site_dir"]) / TARGET
    if not target.is_file():
        raise PluginError(f"search_fold: {TARGET} is missing: the theme changed, review this hook")
    text = target.read_text(encoding="utf-8")
    if MARKER not in text:
        target.write_text(text.rstrip("\n") + "\n" + PATCH, encoding="utf-8")
