"""Lataa kysely: the import report before saving, overrides, codes, and a pending upload after saving."""

from __future__ import annotations

import json
from datetime import date

import pytest

from indicator.framework import load
from indicator.i18n import LANGUAGES, t
from indicator.reading import read_survey
from indicator.storage import Store
from ui import auth, testing

CSV = "text/csv"


def survey_csv(villages=("Verla", "Utti"), per_village=6, header_of=None, with_village=True) -> bytes:
    """A small semicolon CSV: a village column and every likert item of the framework, answers 1-5."""
    items = [i.id for i in load().items if i.type == "likert5"]
    header = (["Kylä"] if with_village else []) + [(header_of or {}).get(i, i) for i in items]
    lines = [";".join(header)]
    for v, village in enumerate(villages):
        for n in range(per_village):
            answers = [str(1 + (v + n + k) % 5) for k in range(len(items))]
            lines.append(";".join(([village] if with_village else []) + answers))
    return ("\n".join(lines) + "\n").encode("utf-8")


def open_upload(lang: str = "fi"):
    return testing.opened("lataa", query={"lang": lang})


def choose_file(at, name: str, data: bytes, mime: str = CSV):
    return at.file_uploader(key="upload_file").set_value((name, data, mime)).run()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_page_renders_with_translated_instructions(empty_url, lang):
    at = open_upload(lang)
    assert not at.exception
    assert at.title[0].value == t("common.nav_upload", lang)
    assert at.file_uploader(key="upload_file").label == t("upload.file_label", lang)
    assert at.selectbox(key="upload.round").value == date.today().year


def test_report_is_shown_before_saving_and_matches_the_reader(empty_url):
    data = survey_csv()
    at = choose_file(open_upload(), "kysely.csv", data)
    assert not at.exception
    report = read_survey(data, load(), filename="kysely.csv").report
    shown = {m.label: m.value for m in at.metric}
    assert shown[t("upload.kpi_rows", "fi")] == str(report.rows) == "12"
    assert shown[t("upload.kpi_respondents", "fi")] == str(report.respondents)
    assert shown[t("upload.kpi_villages", "fi")] == "2"
    assert shown[t("upload.kpi_mapped", "fi")] == str(len(report.mapped))
    assert Store(empty_url).uploads.table().empty  # nothing stored yet


def test_save_stores_a_pending_upload_once(empty_url):
    data = survey_csv()
    at = choose_file(open_upload(), "kysely.csv", data)
    at.button(key="upload.save").click().run()
    assert not at.exception
    assert at.success[0].value.startswith("Tallennettu, odottaa koordinaattorin hyväksyntää")
    uploads = Store(empty_url).uploads.table()
    assert uploads[["filename", "round", "status", "villages", "respondents"]].values.tolist() == [
        ["kysely.csv", date.today().year, "pending", "Utti, Verla", 12]]
    assert at.caption[0].value == t("upload.report_caption_done", "fi")  # no longer "nothing saved yet"
    assert at.button(key="upload.save").disabled  # at once: no second save of the same file and round
    assert len(outcome_messages(at)) == 1  # the outcome stays on the page, once, on later runs
    again = choose_file(open_upload(), "kysely.csv", data)  # the same file from another session
    again.button(key="upload.save").click().run()
    assert outcome_messages(again)[0].startswith("Sama tiedosto tallennettiin jo")
    assert len(Store(empty_url).uploads.table()) == 1


OUTCOME_ICONS = (":material/task_alt:", ":material/content_copy:", ":material/block:")


def outcome_messages(at) -> list[str]:
    """Every message box that reports what saving gave (the import report's own warnings have other
    icons), and no status widget (a "saved" status box beside an "already here" message was the bug)."""
    assert not at.get("status"), "a status box would be a second message"
    return [m.value for kind in ("success", "info", "warning", "error") for m in getattr(at, kind)
            if m.icon in OUTCOME_ICONS]


@pytest.mark.parametrize(
    ("decide", "kind", "key"),
    [
        (None, "info", "upload.duplicate_pending"),
        ("approve", "info", "upload.duplicate_approved"),
        ("reject", "warning", "upload.duplicate_rejected"),
        ("supersede", "info", "upload.duplicate_superseded"),
    ],
)
def test_a_repeat_upload_gives_one_message_naming_its_status_and_first_date(empty_url, decide, kind, key):
    data = survey_csv()
    store = Store(empty_url)
    first = store.uploads.store_read(data, "kysely.csv", date.today().year, load(), read_survey(
        data, load(), filename="kysely.csv").responses, None, role="village", actor="test")
    if decide == "approve":
        store.uploads.approve(first.upload_id, "coordinator")
    elif decide == "reject":
        store.uploads.reject(first.upload_id, "coordinator")
    elif decide == "supersede":
        store.uploads.approve(first.upload_id, "coordinator")
        newer = survey_csv(per_village=7)
        later = store.uploads.store_read(newer, "uusi.csv", date.today().year, load(), read_survey(
            newer, load(), filename="uusi.csv").responses, None, role="village", actor="test")
        store.uploads.approve(later.upload_id, "coordinator")
    status = store.uploads.get(first.upload_id).status
    assert status == {None: "pending", "approve": "approved", "reject": "rejected", "supersede": "superseded"}[decide]
    at = choose_file(open_upload(), "kysely.csv", data)
    at.button(key="upload.save").click().run()
    assert not at.exception
    shown = outcome_messages(at)
    first_seen = store.uploads.table().set_index("id").at[first.upload_id, "uploaded_at"]
    from ui import format as fmt

    assert shown == [t(key, "fi", date=fmt.date(first_seen, "fi"), round=date.today().year)]
    assert [m.value for m in getattr(at, kind) if m.icon in OUTCOME_ICONS] == shown
    assert not at.success  # no green tick for a file that was not saved
    assert "Tallennettu" not in " ".join(shown)


def test_unrecognised_column_can_be_mapped_to_an_item(empty_url):
    data = survey_csv(header_of={"E2": "Oma sarake"})
    at = choose_file(open_upload(), "oma.csv", data)
    mapped_before = {m.label: m.value for m in at.metric}[t("upload.kpi_mapped", "fi")]
    box = at.selectbox(key="upload_map_0")
    assert box.label == "Oma sarake" and box.value is None
    box.set_value("E2").run()
    mapped_after = {m.label: m.value for m in at.metric}[t("upload.kpi_mapped", "fi")]
    assert int(mapped_after) == int(mapped_before) + 1
    at.button(key="upload.save").click().run()
    store = Store(empty_url)
    assert store.uploads.get(int(store.uploads.table()["id"][0])).mapping["Oma sarake"] == "E2"


def test_village_override_for_a_file_without_village_column(empty_url):
    data = survey_csv(villages=("x",), with_village=False)
    at = choose_file(open_upload(), "verla.csv", data)
    assert len(at.error) == 1 and at.info[0].value == t("upload.no_village", "fi")
    at.selectbox(key="upload.village").set_value("Verla").run()
    assert not at.error
    at.button(key="upload.save").click().run()
    assert not at.exception
    assert Store(empty_url).uploads.table()["villages"].tolist() == ["Verla"]


def test_unreadable_file_is_one_error_line(empty_url):
    at = choose_file(open_upload(), "rikki.xlsx", b"this is not a workbook at all",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert not at.exception
    assert len(at.error) == 1 and "\n" not in at.error[0].value
    assert at.error[0].value.startswith(f"**{t('upload.read_failed', 'fi')}**")
    assert Store(empty_url).uploads.table().empty


def test_upload_code_is_checked(empty_url, monkeypatch):
    monkeypatch.setenv("ALYKYLA_UPLOAD_CODES", json.dumps({"Verla": auth.hash_passphrase("verla-1", iterations=1000)}))
    at = choose_file(open_upload(), "verla.csv", survey_csv(villages=("Verla",)))
    at.text_input(key="upload.code").input("väärä")
    at.button(key="upload.save").click().run()
    assert at.error[0].value == t("upload.code_wrong", "fi", village="Verla")
    assert Store(empty_url).uploads.table().empty
    at.text_input(key="upload.code").input("verla-1")
    at.button(key="upload.save").click().run()
    assert len(Store(empty_url).uploads.table("pending")) == 1


def test_file_text_is_never_rendered_as_markup(empty_url):
    data = survey_csv(header_of={"E2": "**Lihava** <b>x</b> [linkki](http://example.org)"})
    at = choose_file(open_upload(), "merkit.csv", data)
    box = at.selectbox(key="upload_map_0")
    assert box.label == r"\*\*Lihava\*\* x \[linkki\]\(http\://example\.org\)"  # the reader drops tags
    assert not at.exception


def test_round_that_disagrees_with_the_answer_dates_is_flagged(empty_url):
    path, year = next((p, r) for p, r in testing.demo_exports() if p.suffix == ".csv")
    at = choose_file(open_upload(), path.name, path.read_bytes())
    other = next(r for r in at.selectbox(key="upload.round").options if r != year)
    at.selectbox(key="upload.round").set_value(other).run()
    assert t("upload.round_mismatch", "fi", year=year, round=other) in [w.value for w in at.warning]
    at.selectbox(key="upload.round").set_value(year).run()
    assert not any("päivätty" in w.value for w in at.warning)


def test_tool_bookkeeping_columns_get_no_mapping_choice(empty_url):
    data = survey_csv(header_of={"E2": "Oma sarake"}).decode().splitlines()
    kobo = [f"_id;start;{data[0]}"] + [f"{n};2026-05-01T10:00:00+03:00;{row}" for n, row in enumerate(data[1:])]
    at = choose_file(open_upload(), "kobo.csv", ("\n".join(kobo) + "\n").encode())
    assert [box.label for box in at.selectbox if box.key and box.key.startswith("upload_map_")] == ["Oma sarake"]
    assert t("upload.technical", "fi", columns="\\_id, start") in [c.value for c in at.caption]
