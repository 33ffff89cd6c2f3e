"""Each state's notice languages, ranked from the Census table (docgen.notice_states, issue 23)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docgen.errors import ConfigError
from docgen.notice_states import (
    CATEGORIES,
    CENSUS_TABLE,
    LIST_LENGTH,
    STATE_CODES,
    STATES,
    Category,
    CategoryMap,
    choose_languages,
    combined_languages,
    derive_states,
    ranked_categories,
    read_category_map,
    read_census_table,
)
from tests.conftest import ROOT

TABLE = read_census_table(ROOT / CENSUS_TABLE)
MAPPING = read_category_map(ROOT / CATEGORIES)


def _figures(sheet: str, language: str) -> tuple[int | None, int | None]:
    row = next(row for row in TABLE[sheet] if row.language.lstrip(".") == language)
    return row.speakers, row.lep


def test_the_committed_lists_are_the_ones_the_census_table_gives() -> None:
    # states.json is generated (make notice-states): a hand edit, or a table or mapping changed
    # without regenerating, fails here.
    assert json.loads((ROOT / STATES).read_text(encoding="utf-8")) == derive_states(ROOT)


def test_the_table_copy_holds_every_state_dc_and_puerto_rico_and_figures_published_elsewhere() -> None:
    assert set(TABLE) == set(STATE_CODES)
    # Minnesota's figures as news reports of this release gave them (MinnPost and Bring Me The
    # News, November 2015): Spanish 192,113; Hmong "over 55,000"; German "more than 24,000".
    assert _figures("Minnesota", "SPANISH AND SPANISH CREOLE")[0] == 192_113  # groups are unrounded
    assert _figures("Minnesota", "Hmong")[0] == 55_037
    assert _figures("Minnesota", "German (incl. Luxembourgian)")[0] == 24_277


def test_a_ranking_counts_broad_categories_by_their_languages_and_chinese_whole() -> None:
    ohio = ranked_categories(TABLE["Ohio"], MAPPING.whole)
    names = [category.name for category in ohio[:15]]
    assert names[:5] == [
        "Spanish",
        "Chinese (incl. Cantonese, Mandarin, other Chinese languages)",  # its footnote digit dropped
        "German (incl. Luxembourgian)",
        "Arabic",
        "Pennsylvania Dutch",  # a language of "Other West Germanic languages"
    ]
    assert {"Cushite", "Dutch", "Ukrainian", "Romanian"} <= set(names)
    assert "Other West Germanic languages" not in names and "Mandarin" not in names
    assert [category.lep for category in ohio] == sorted((category.lep for category in ohio), reverse=True)
    # No group, total or uncoded answer is ranked, nor a language whose estimate the table withholds.
    ranked = {category.name for category in ohio}
    assert ranked.isdisjoint({"SPANISH AND SPANISH CREOLE", "Population 5 years and over", "Uncodable"})
    assert _figures("Ohio", "Danish")[1] is None and "Danish" not in ranked
    assert "Luxembourgian" not in ranked  # counted in German


def test_a_category_without_a_tagline_is_passed_over_with_its_reason() -> None:
    oklahoma = json.loads((ROOT / STATES).read_text(encoding="utf-8"))["states"]["OK"]
    cherokee = next(entry for entry in oklahoma["ranking"] if entry["category"] == "Cherokee")
    assert "tag" not in cherokee and cherokee["skipped"].startswith("no tagline")
    assert len(oklahoma["languages"]) == LIST_LENGTH and oklahoma["languages"][-1] == "ur"  # the 16th takes its place


def test_michigan_s_fourth_language_prints_in_syriac() -> None:
    # Syriac (Assyrian and Chaldean Neo-Aramaic, 11,725 people in Michigan) has a tagline since
    # November 2026: it takes its rank, where it had been passed over for Romanian, the 16th.
    states = json.loads((ROOT / STATES).read_text(encoding="utf-8"))["states"]
    assert states["MI"]["languages"][3] == "syr" and "ro" not in states["MI"]["languages"]
    assert states["AZ"]["languages"][10] == "syr" and "ro" not in states["AZ"]["languages"]  # 11th, 2,110 people


def test_a_state_s_speakers_of_a_category_may_read_another_tagline() -> None:
    assert MAPPING.tag("Kru, Ibo, Yoruba", ["MN"]) == "bsq"
    assert MAPPING.tag("Kru, Ibo, Yoruba", ["MN", "RI"]) == "bsq"
    assert MAPPING.tag("Kru, Ibo, Yoruba", ["MD"]) == "yo"
    assert MAPPING.tag("Kru, Ibo, Yoruba", ["MN", "MD"]) == "yo"  # states that differ: the category's own


def _map(**tags: str) -> CategoryMap:
    return CategoryMap(whole=frozenset(), tags=tags, tags_by_state={}, no_tagline={"Family": "names a family"})


def test_two_categories_printed_in_one_tagline_take_one_place() -> None:
    tags = {f"L{number}": f"t{number}" for number in range(LIST_LENGTH)} | {"Serbian": "t0"}
    ranked = [Category("L0", 100), Category("Serbian", 99), Category("Family", 98)]
    ranked += [Category(f"L{number}", 50 - number) for number in range(1, LIST_LENGTH)]
    chosen = choose_languages(ranked, _map(**tags), ["XX"])
    assert chosen.languages == tuple(f"t{number}" for number in range(LIST_LENGTH))
    skipped = [entry for entry in chosen.ranking if entry.skipped]
    assert [entry.category.name for entry in skipped] == ["Serbian", "Family"]
    assert skipped[1].as_json() == {"category": "Family", "lep": 98, "skipped": "names a family"}


def test_a_category_with_neither_tagline_nor_reason_and_a_short_list_are_refused() -> None:
    with pytest.raises(ConfigError, match="'Unknown'"):
        choose_languages([Category("Unknown", 5)], _map(), ["XX"])
    with pytest.raises(ConfigError, match="fewer than 15"):
        choose_languages([Category("L0", 5)], _map(L0="t0"), ["XX"])


def test_territories_the_survey_does_not_cover_keep_their_lists_and_say_so() -> None:
    states = derive_states(ROOT)["states"]
    assert isinstance(states, dict)
    for code in ("GU", "VI", "AS", "MP"):
        assert "ranking" not in states[code] and "No data" in states[code]["note"]


def test_a_plan_serving_several_states_ranks_their_speakers_added_together() -> None:
    states = json.loads((ROOT / STATES).read_text(encoding="utf-8"))["states"]
    assert list(combined_languages(["OH"], ROOT).languages) == states["OH"]["languages"]
    combined = combined_languages(["MI", "OH"], ROOT)
    assert combined == combined_languages(["OH", "MI", "OH"], ROOT)  # whatever the order, once each
    spanish = next(ranked.category for ranked in combined.ranking if ranked.category.name == "Spanish")
    michigan, ohio = _figures("Michigan", "Spanish")[1], _figures("Ohio", "Spanish")[1]
    assert michigan is not None and ohio is not None and spanish.lep == michigan + ohio
    # Arabic: 2nd in Michigan, 4th in Ohio; together 2nd. Pennsylvania Dutch (Ohio only) stays on.
    assert combined.languages[:2] == ("es", "ar") and "pdc" in combined.languages


def test_a_category_mapped_to_a_tag_without_a_tagline_is_refused(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "locales/notice", tmp_path / "notice")
    categories = json.loads((tmp_path / "notice/census/categories.json").read_text(encoding="utf-8"))
    categories["tags"]["Cherokee"] = "chr"
    (tmp_path / "notice/census/categories.json").write_text(json.dumps(categories), encoding="utf-8")
    with pytest.raises(ConfigError, match="no tagline in taglines.json for chr"):
        read_category_map(tmp_path / "notice/census/categories.json")
    # A tagline that exists, for a category still listed as having none: which one was meant?
    categories["tags"]["Cherokee"] = "en"
    (tmp_path / "notice/census/categories.json").write_text(json.dumps(categories), encoding="utf-8")
    with pytest.raises(ConfigError, match="given a tagline and a reason for none: Cherokee"):
        read_category_map(tmp_path / "notice/census/categories.json")
    # One state's tagline for a category keeps its reason for the others.
    del categories["tags"]["Cherokee"]
    categories["tags_by_state"]["Cherokee"] = {"OK": "en"}
    (tmp_path / "notice/census/categories.json").write_text(json.dumps(categories), encoding="utf-8")
    mapping = read_category_map(tmp_path / "notice/census/categories.json")
    assert mapping.tag("Cherokee", ["OK"]) == "en" and mapping.tag("Cherokee", ["NC"]) is None


def test_an_estimate_the_table_does_not_mark_is_refused_with_its_line(tmp_path: Path) -> None:
    # A figure with a thousands separator, as a spreadsheet might write it, is not read as withheld.
    table = (ROOT / CENSUS_TABLE).read_text(encoding="utf-8")
    table = table.replace("Alabama,..Spanish,151385,2607,78970,", 'Alabama,..Spanish,151385,2607,"78,970",')
    (tmp_path / "table.csv").write_text(table, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"table.csv:6: '78,970' is neither an estimate"):
        read_census_table(tmp_path / "table.csv")


def test_a_broken_categories_file_is_a_config_error(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "locales/notice", tmp_path / "notice")
    (tmp_path / "notice/census/categories.json").write_text('{"tags": {}}', encoding="utf-8")
    with pytest.raises(ConfigError, match="counted_whole"):
        read_category_map(tmp_path / "notice/census/categories.json")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(sorted(STATE_CODES.values())), min_size=1, max_size=6), st.randoms())
def test_any_states_combined_give_fifteen_printable_languages_in_any_order(codes: list[str], random: Any) -> None:
    taglines = json.loads((ROOT / "locales/notice/taglines.json").read_text(encoding="utf-8"))["taglines"]
    combined = combined_languages(codes, ROOT)
    assert len(set(combined.languages)) == LIST_LENGTH and set(combined.languages) <= set(taglines)
    shuffled = list(codes)
    random.shuffle(shuffled)
    assert combined_languages(shuffled, ROOT) == combined
