"""Tool layouts: fingerprints, header rows, grids, code headings, HTML headers (docs/survey-files.md §1, §2)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from indicator.reading import read_survey
from indicator.reading.layouts import fingerprint
from tests.test_reading import FRAMEWORK, xlsx


def read(data: bytes, name: str = "f.csv", **kw):
    return read_survey(data, FRAMEWORK, filename=name, **kw)


@pytest.mark.parametrize(
    ("headers", "tool"),
    [
        (["Respondent ID", "Collector ID", "Start Date"], "surveymonkey"),
        (["start", "end", "_uuid", "_submission_time"], "kobo"),
        (["id", "submitdate", "lastpage", "startlanguage"], "limesurvey"),
        (["#", "Q", "Submit Date (UTC)", "Network ID"], "typeform"),
        (["Vastausaika", "Kylä"], "webropol"),
        (["Aikaleima", "Kylä"], "google"),
        (["Timestamp", "Village"], "google"),
        (["ID", "Start time", "Completion time", "Email", "Name"], "forms"),
        (["Tunnus", "Aloitusaika", "Valmistumisaika", "Sähköposti"], "forms"),
        (["Kylä", "E1"], "generic"),
    ],
)
def test_fingerprints_by_header(headers: list[str], tool: str) -> None:
    assert fingerprint(headers, np.empty((0, len(headers)), dtype=object), 1) == tool


def test_forms_recognised_by_content_when_names_are_localised() -> None:
    cells = np.array([["Nr", "Alku", "Loppu", "Posti"],
                      [1.0, dt.datetime(2024, 5, 1, 10), dt.datetime(2024, 5, 1, 11), "anonymous"]], dtype=object)
    assert fingerprint(list(cells[0]), cells, 1) == "forms"


def test_limesurvey_code_headings_and_bom_quoted_crlf() -> None:
    text = '"id";"submitdate";"lastpage";"kyla";"E1[SQ001]";"Q[E2]"\r\n"1";"2024-05-01 10:00:00";"2";"Ahvio";"4";"Y"\r\n'
    result = read(b"\xef\xbb\xbf" + text.encode(), "lime.csv", village_column="kyla")
    assert result.report.source_tool == "limesurvey"
    assert result.report.mapped == {"E1[SQ001]": "E1", "Q[E2]": "E2"}
    assert result.responses[["E1", "E2"]].iloc[0].tolist() == [4.0, 1.0]
    assert result.report.latest_date == dt.datetime(2024, 5, 1, 10)


def test_kobo_group_paths_and_hxl_row() -> None:
    text = ('"start";"end";"_uuid";"kylä";"palvelut/E1";"palvelut/E3"\r\n'
            '"#date";"#date";"#meta";"#loc";"#indicator";"#indicator"\r\n'
            '"2024-05-01T10:00:00.000+03:00";"2024-05-01T10:05:00.000+03:00";"u1";"Ahvio";"5";"12"\r\n')
    result = read(text.encode(), "kobo.csv")
    assert result.report.source_tool == "kobo"
    assert result.responses["respondent"].tolist() == ["3"]
    assert result.responses[["E1", "E3"]].iloc[0].tolist() == [5.0, 12.0]
    assert result.report.latest_date == dt.datetime(2024, 5, 1, 10, 5)


def test_typeform_html_headers_and_utc_dates() -> None:
    text = ("#,<strong>Kylä</strong>,<p>Kylässä on <b>hyvät</b> palvelut</p>,Submit Date (UTC),Network ID\r\n"
            "tok1,Ahvio,4,2024-01-15 10:00:00,abc\r\n")
    result = read(text.encode(), "typeform.csv")
    assert result.report.source_tool == "typeform"
    assert result.report.mapped == {"Kylässä on hyvät palvelut": "E1"}
    assert result.report.dropped_personal == ["Network ID"]
    assert result.report.latest_date == dt.datetime(2024, 1, 15, 12, 0)  # UTC+2 in winter


def test_google_grid_and_us_dates() -> None:
    text = ('Timestamp,Kylä,Kuinka samaa mieltä olet? [Kylässä on hyvät palvelut],Email Address\r\n'
            '5/14/2024 10:12:13,Ahvio,Strongly agree,a@b.c\r\n')
    result = read(text.encode(), "google.csv")
    assert result.report.source_tool == "google"
    assert result.responses["E1"].tolist() == [5.0]
    assert result.report.latest_date == dt.datetime(2024, 5, 14, 10, 12, 13)
    assert result.report.dropped_personal == ["Email Address"]


def test_webropol_numbers_zero_blank_and_duplicate_headers() -> None:
    text = ("Vastausaika;Kylä;Kylässä on hyvät palvelut:;Kylässä on hyvät palvelut:;Asukasmäärä\r\n"
            "1.5.2024 10:00:00;Ahvio;0;3;0\r\n2.5.2024 9:00:00;Ahvio;4;2;15\r\n")
    result = read(text.encode(), "webropol.csv")
    assert result.report.source_tool == "webropol"
    assert result.responses["E1"].tolist()[1] == 4.0 and np.isnan(result.responses["E1"][0])
    assert np.isnan(result.responses["E3"][0])
    assert result.report.problems == []
    assert any("also matches item E1" in w for w in result.report.warnings)
    assert result.report.unmapped == ["Vastausaika", "Kylässä on hyvät palvelut: (D)"]


def test_zero_outside_webropol_is_a_problem() -> None:
    result = read("kylä;E1\nA;0\n".encode())
    assert [p.value for p in result.report.problems] == ["0"]


def test_forms_xlsx_with_serial_times() -> None:
    data = xlsx([["ID", "Start time", "Completion time", "Email", "Name", "Kylä", "Kylässä on hyvät palvelut"],
                 [1, 45413.5, 45413.51, "anonymous", None, "Ahvio", "Jokseenkin samaa mieltä"]])
    result = read(data, "forms.xlsx")
    assert result.report.source_tool == "forms"
    assert result.report.latest_date.date() == dt.date(2024, 5, 1)
    assert result.report.dropped_personal == ["Email", "Name"]


def test_utf16_tab_text() -> None:
    text = "Kylä\tE1\r\nAhvio\tTäysin samaa mieltä\r\n"
    result = read(text.encode("utf-16"), "unicode.txt")
    assert result.report.delimiter == "\t" and result.responses["E1"].tolist() == [5.0]


def test_sep_hint_line_keeps_row_numbers() -> None:
    result = read("sep=,\r\nKylä,E1\r\nA,3\r\nB,2\r\n".encode())
    assert result.responses["respondent"].tolist() == ["3", "4"]
    assert result.report.header_row == 2


def test_given_village_overrides_the_column_with_a_warning() -> None:
    result = read("Kylä;E1\nAhvio;3\nSippola;4\n".encode(), village="Anjala")
    assert result.responses["village"].tolist() == ["Anjala", "Anjala"]
    assert any("every row was taken as village 'Anjala'" in w for w in result.report.warnings)


def test_forms_with_localised_names_takes_the_completion_time() -> None:
    data = xlsx([["Nr", "Alku", "Loppu", "Posti", "Kylä", "E1"],
                 [1, dt.datetime(2024, 5, 1, 10), dt.datetime(2024, 5, 2, 11), "anonymous", "A", 4]])
    result = read(data, "forms.xlsx")
    assert result.report.source_tool == "forms" and result.report.date_column == "Loppu"
    assert result.report.latest_date == dt.datetime(2024, 5, 2, 11)


def test_webropol_registration_export_with_metadata_and_contact_subheaders() -> None:
    text = ("Kysely;Kylätutkimus 2024\r\nVastauksia;2\r\n\r\n"
            "Vastausaika;Kylä;Kylässä on hyvät palvelut;Yhteystiedot;\r\n"
            ";;;Etunimi;Sukunimi\r\n"
            "1.5.2024 10:00:00;Ahvio;Täysin samaa mieltä;Aino;Virtanen\r\n")
    result = read(text.encode(), "registration.csv")
    assert result.report.header_row == 4
    assert result.report.dropped_personal == ["Yhteystiedot - Etunimi", "Yhteystiedot - Sukunimi"]
    assert result.responses["respondent"].tolist() == ["6"]
    assert result.responses["E1"].tolist() == [5.0]


def test_reversed_legend_in_header_is_warned() -> None:
    text = "Kylä;E1 (1 = täysin samaa mieltä, 5 = täysin eri mieltä);E3 (1 = paljon)\nA;2;3\n"
    result = read(text.encode(), "legend.csv")
    flagged = [w for w in result.report.warnings if "legend" in w]
    assert len(flagged) == 1 and "1 = 'täysin samaa mieltä'" in flagged[0]
    ok = read("Kylä;E1 (1 = täysin eri mieltä, 5 = täysin samaa mieltä)\nA;2\n".encode(), "legend.csv")
    assert not [w for w in ok.report.warnings if "legend" in w]


def test_ods_workbook(tmp_path) -> None:
    import pandas as pd

    path = tmp_path / "kysely.ods"
    pd.DataFrame({"Kylä": ["Ahvio", "Sippola"], "E1": ["Osittain samaa mieltä", "5"], "E3": [3.5, 7]}).to_excel(
        path, engine="odf", index=False)
    result = read_survey(path, FRAMEWORK)
    assert result.report.file_type == "ods"
    assert result.responses[["E1", "E3"]].to_numpy().tolist() == [[4.0, 3.5], [5.0, 7.0]]


@pytest.mark.parametrize("header", ["Submitted At", "Submitted", "Lähetetty"])
def test_generic_submission_time_headers_give_the_round(header) -> None:
    result = read(f"Kylä;{header};E1\nA;3.4.2023 09:00;4\nA;5.4.2023 12:30;3\n".encode())
    assert result.report.date_column == header
    assert result.report.latest_date == dt.datetime(2023, 4, 5, 12, 30)


# --- LimeSurvey as it really exports: UTF-8 BOM, every value quoted, CRLF, and a blank line at the end ----


def limesurvey_csv(headers: list[str], rows: list[list[str]], separator: str = ",") -> bytes:
    """A LimeSurvey CSV export: BOM, each value in double quotes, CRLF after every record and one more
    CRLF when the export closes (LimeSurvey writes it "for R")."""
    lines = [separator.join(f'"{v}"' for v in line) for line in (headers, *rows)]
    return b"\xef\xbb\xbf" + ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")


def lime_rows(n: int, language: str) -> list[list[str]]:
    """n answers: id, submit date, last page, start language, seed, then E1[SQ001] and E2[SQ001] codes."""
    return [[str(i), f"2025-05-{1 + i % 28:02d} 10:{i % 60:02d}:00", "3", language, str(481516 + i),
             str(1 + i % 5), "Y" if i % 2 else "N"] for i in range(1, n + 1)]


def test_import_with_village_counts_answers_not_the_closing_blank_line() -> None:
    headers = ["id", "submitdate", "lastpage", "startlanguage", "seed", "E1[SQ001]", "E2[SQ001]"]
    result = read(limesurvey_csv(headers, lime_rows(60, "fi")), "results-survey123456.csv",
                  village_default="Ahvio")
    assert result.report.source_tool == "limesurvey"
    assert result.report.rows == 60 and result.report.respondents == 60 and len(result.responses) == 60
    assert result.report.mapped == {"E1[SQ001]": "E1", "E2[SQ001]": "E2"}
    # day 1 + i % 28 is 28 for i = 27 and 55; the later is 10:55
    assert result.report.latest_date == dt.datetime(2025, 5, 28, 10, 55)


# Headings of a LimeSurvey export in "full headings" mode, in the export's language: the Dutch ones as a Dutch
# export showed them, the Swedish dates and last page from LimeSurvey's Swedish catalog. The id and language
# headings and all the Finnish ones are in no list: for Finnish only the columns' content can tell.
LOCALISED = {
    "nl": ["Respons ID", "Datum verstuurd", "Laatste pagina", "Starttaal", "Seed", "Startdatum",
           "Datum laatste actie"],
    "sv": ["Svars-ID", "Datum inskickad", "Sista sidan", "Startspråk", "Seed", "Datum påbörjad",
           "Datum senaste åtgärd"],
    "fi": ["Vastauksen ID", "Lähetyspäivä", "Viimeinen sivu", "Aloituskieli", "Siemenluku", "Aloituspäivä",
           "Viimeisin toiminto"],
}


@pytest.mark.parametrize("language", sorted(LOCALISED))
def test_limesurvey_with_localised_headings(language: str) -> None:
    headers = [*LOCALISED[language], "Kylä", "Kylässä on hyvät palvelut", "kauppa"]
    rows = [[*r[:5], r[1], r[1], "Ahvio", *r[5:]] for r in lime_rows(3, language)]
    result = read(limesurvey_csv(headers, rows, ";"), f"lime_{language}.csv")
    assert result.report.source_tool == "limesurvey"
    assert result.report.rows == 3 and result.responses["E1"].tolist() == [2.0, 3.0, 4.0]
    assert result.report.date_column == LOCALISED[language][1]  # the submit date, second of the fixed columns
    assert result.report.latest_date == dt.datetime(2025, 5, 4, 10, 3)


@pytest.mark.parametrize("language", ["nl", "sv"])
def test_dutch_and_swedish_headings_alone_say_limesurvey(language: str) -> None:
    headers = [*LOCALISED[language], "Kylä"]
    assert fingerprint(headers, np.empty((0, len(headers)), dtype=object), 1) == "limesurvey"


def test_limesurvey_by_question_codes_alone() -> None:
    headers = ["Kylä", "palvelut[SQ001]", "palvelut[SQ002]", "Q7[SQ001][1]"]
    assert fingerprint(headers, np.empty((0, 4), dtype=object), 1) == "limesurvey"
    google = ["Aikaleima", "Kysymys [Rivi 1]", "Kysymys [Rivi 2]"]  # text before the bracket: not a code
    assert fingerprint(google, np.empty((0, 3), dtype=object), 1) == "google"


@pytest.mark.parametrize(
    "row",
    [
        ["x1", "2025-05-01 10:00:00", "3", "fi"],  # the response id is not a whole number
        ["1", "kyllä", "3", "fi"],  # the second column is not a date
        ["1", "2025-05-01 10:00:00", "3", "Ahvio"],  # not a language code
        ["1", "2025-05-01 10:00:00", "2025-05-01 11:00:00", "fi"],  # a date where the last page should be
    ],
)
def test_first_columns_that_are_not_limesurvey_stay_generic(row: list[str]) -> None:
    cells = np.array([["a", "b", "c", "d"], row], dtype=object)
    assert fingerprint(list(cells[0]), cells, 1) == "generic"
