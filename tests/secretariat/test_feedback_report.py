"""`ent-admin feedback-report` reads a bounded report, and says when it left answers out."""

from __future__ import annotations

import json
from datetime import timedelta

from functions.feedback import flow

PAGE = "/aide/courrier/"


def test_the_report_says_when_it_left_answers_out(admin, store, clock, monkeypatch):
    monkeypatch.setattr(flow, "REPORT_ANSWERS_PER_PAGE", 3)
    for minute in range(5):
        store.add_feedback(PAGE, minute % 2 == 0, None, clock() - timedelta(minutes=minute))
    text = admin("feedback-report").out
    assert f"{PAGE}  utile : oui 2 / non 1" in text  # the 3 newest: minutes 0, 1, 2
    assert (
        f"Rapport limité aux 3 dernières réponses de chaque page sur 13 mois ; réponses plus anciennes non lues pour : {PAGE}"
        in text
    )
    as_json = admin("feedback-report", "--json")
    assert json.loads(as_json.out)[PAGE] == {"yes": 2, "no": 1, "comments": []}  # the JSON stays JSON
    assert "Rapport limité aux 3 dernières réponses" in as_json.err


def test_the_report_covers_the_last_13_months(admin, store, clock):
    store.add_feedback(PAGE, True, "il y a un an", clock() - timedelta(days=365))
    store.add_feedback(PAGE, False, "il y a quatorze mois", clock() - timedelta(days=425))
    report = json.loads(admin("feedback-report", "--json").out)
    assert [comment["comment"] for comment in report[PAGE]["comments"]] == ["il y a un an"]
    assert "Rapport limité" not in admin("feedback-report").out
