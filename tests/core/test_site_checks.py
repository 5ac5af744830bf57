"""The checks of what a person sees (core/testing/site.py) catch what they are meant to."""

from core.testing.site import ISO_TIMESTAMP, chart_problems


def bar(label, value, drawn, text, track=200):
    return {"label": label, "value": value, "drawn": drawn, "track": track, "text": text}


def test_a_chart_whose_bars_are_all_drawn_full_width_is_caught():
    # 40 %, 40 % and 20 % drawn the same length (the widths blocked by the CSP, say).
    chart = {"id": "results", "table": [], "bars": [
        bar("Oui", 40, 200, "40 %"), bar("Non", 40, 200, "40 %"), bar("Sans avis", 20, 200, "20 %")]}
    problems = chart_problems([chart])
    assert len(problems) == 1 and "'Sans avis'" in problems[0]


def test_a_proportional_chart_with_the_same_figures_in_its_table_passes():
    chart = {"id": "results", "bars": [bar("Oui", 40, 200, "40 %"), bar("Non", 20, 100, "20 %")],
             "table": [["Oui", "40 %"], ["Non", "20 %"]]}
    assert chart_problems([chart]) == []


def test_a_table_that_does_not_hold_the_bars_figures_is_caught():
    chart = {"id": "budget", "bars": [bar("Écoles", 58.5, 200, "58,5 €")],
             "table": [["Écoles", "85,5 €"]]}
    assert "its table says" in chart_problems([chart])[0]


def test_raw_timestamps_are_seen_with_a_t_or_a_space():
    assert ISO_TIMESTAMP.findall("Publié le 2026-12-02T04:52:50+00:00")
    assert ISO_TIMESTAMP.findall("Publié le 2026-12-02 04:52:50+00:00")
    assert not ISO_TIMESTAMP.findall("Publié le 2 décembre 2026 à 05:52")


def test_the_first_of_a_month_is_written_the_french_way(app):
    from datetime import date

    from flask_babel import force_locale

    from core.i18n import date_text

    with app.test_request_context():
        with force_locale("fr"):
            assert date_text(date(2030, 3, 1), "long") == "1er mars 2030"
            assert date_text(date(2030, 3, 11), "long") == "11 mars 2030"
        with force_locale("en"):
            assert date_text(date(2030, 3, 1), "long") == "March 1, 2030"
