"""Ship only the search languages the site uses (French): -30 files, -950 KB.

The theme copies lunr-languages' stemmers for some 30 languages and two word segmenters (Japanese,
Thai/Hindi); the search worker loads only `lunr.stemmer.support` and `lunr.<lang>` for the
configured languages (plus `lunr.multi` when there are several). The unused files are removed from
the built site: less to serve, and fewer third-party addresses in the site's files (their licence
comments name the upstream projects' sites).
"""

from __future__ import annotations

from pathlib import Path

LUNR = Path("assets/javascripts/lunr")
SEGMENTERS = {"tinyseg.js": {"ja"}, "wordcut.js": {"hi", "th"}}


def on_post_build(config, **kwargs) -> None:
    """Remove the stemmers and segmenters of languages the search does not use."""
    search = next(plugin for name, plugin in config["plugins"].items() if name.split("/")[-1] == "search")
    langs = set(search.config.lang or ["en"])
    keep = {"lunr.stemmer.support.min.js"} | {f"lunr.{lang}.min.js" for lang in langs}
    if len(langs) > 1:
        keep.add("lunr.multi.min.js")
    root = Path(config["site_dir"]) / LUNR
    for stemmer in (root / "min").glob("lunr.*.min.js"):
        if stemmer.name not in keep:
            stemmer.unlink()
    for name, needs in SEGMENTERS.items():
        if not needs & langs and (root / name).exists():
            (root / name).unlink()
