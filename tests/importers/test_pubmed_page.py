"""The reader of PubMed abstract pages saved as text (reports/importers/pubmed_page.py).

The seed is fixtures/source/000_8d3d7cb61a81a9c9.txt. The pages under tests/data/pubmed_pages/ are written by
hand after the layout of real pages (each says so, and what it exercises, at its top); the reader gets each file
whole, top comment included, as it would get a copy with odd lines above the banner.
"""

import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.cases.records import ArticleRecord, AuthorRecord, MeshRecord, PublicationDate, ReferenceRecord
from reports.importers.errors import RecordError
from reports.importers.pubmed_page import parse_pubmed_page, parse_reference, read_pubmed_page
from reports.importers.service import import_file
from tests.importers.fuzzing import HOSTILE_PIECES, assert_imports_whole_or_refuses_cleanly, damaged, real_files

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "fixtures" / "source" / "000_8d3d7cb61a81a9c9.txt"
PAGES = ROOT / "tests" / "data" / "pubmed_pages"
SEVERAL_AUTHORS = PAGES / "several_authors_structured_abstract.txt"
SEASONAL = PAGES / "seasonal_issue_no_extras.txt"
EPUB = PAGES / "epub_and_group_author.txt"
LETTER = PAGES / "letter_dated_across_two_years.txt"
ALL_PAGES = [SEED, SEVERAL_AUTHORS, SEASONAL, EPUB, LETTER]
SEED_TITLE = "Sjogren's Syndrome: Clinical Benefits of Low-dose Naltrexone Therapy"


def text_of(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def read(path: Path) -> ArticleRecord:
    return parse_pubmed_page(text_of(path), source=path.name)


def error_for(text: str, source: str = "page.txt") -> RecordError:
    with pytest.raises(RecordError) as caught:
        parse_pubmed_page(text, source=source)
    return caught.value


# The seed page: every field.


def test_the_seed_page_gives_its_title():
    assert read(SEED).title == SEED_TITLE


def test_the_seed_page_gives_its_publication_date_as_parts_and_text():
    assert read(SEED).date == PublicationDate(year=2019, month=3, day=11, season="", text="2019 Mar 11")


def test_the_seed_page_gives_its_journal_from_the_byline_because_its_citation_line_has_none():
    journal = read(SEED).journal

    # The page gives only the abbreviation; the full title is left to sources that give it.
    assert (journal.title, journal.iso_abbreviation, journal.issn, journal.nlm_unique_id) == ("", "Cureus", "", "")


def test_the_seed_page_gives_volume_issue_and_an_article_number_instead_of_pages():
    record = read(SEED)

    assert (record.volume, record.issue, record.elocation_id, record.pages) == ("11", "3", "e4225", "")


def test_the_seed_page_gives_its_doi_in_lower_case_and_no_epub_date():
    record = read(SEED)

    assert (record.doi, record.epub_date) == ("10.7759/cureus.4225", "")


def test_the_seed_page_has_no_pmid_or_pmcid_because_it_prints_none():
    record = read(SEED)

    assert (record.pmid, record.pmcid) == (None, "")


def test_the_seed_page_gives_its_one_author_by_fore_name_last_name_and_initials():
    assert read(SEED).authors == [AuthorRecord(last_name="Zashin", fore_name="Scott", initials="S")]


def test_the_seed_page_gives_its_five_keywords_in_order():
    assert read(SEED).keywords == [
        "autoimmune diseases",
        "fatigue",
        "joint pain",
        "low dose naltrexone",
        "sjogren syndrome",
    ]


def test_the_seed_page_gives_its_publication_type():
    assert read(SEED).publication_types == ["Case Reports"]


def test_the_seed_page_gives_its_conflict_of_interest_sentence():
    assert read(SEED).coi_statement == "I prescribe low dose naltrexone to patients in my medical practice"


def test_the_seed_page_gives_its_abstract_as_one_paragraph_without_the_keywords():
    assert read(SEED).abstract == (
        "Sjogren's Syndrome is a chronic autoimmune disorder that causes the inflammation of the lacrimal and "
        "salivary glands, resulting in dryness of the eyes and mouth. In addition, fatigue and musculoskeletal pain, "
        "often described as aching, is very common. Treatment directed toward alleviating the fatigue and pain "
        "associated with Sjogren's is currently very limited. This report describes a case of a 47-year-old female "
        "with suspected Sjogren's based on long-standing dry eyes, dry mouth, joint pain, fatigue, elevated measures "
        "of inflammation, and a positive rheumatoid factor. She failed standard therapy but improved clinically with "
        "low-dose naltrexone therapy."
    )


def test_the_seed_page_has_no_mesh_headings_or_other_language_fields():
    record = read(SEED)

    assert (record.mesh_headings, record.vernacular_title, record.language) == ([], "", "")


def test_the_seed_page_gives_five_references_with_title_authors_journal_year_volume_and_pages():
    parts = [
        (ref.title, ref.authors, ref.journal, ref.year, ref.volume, ref.issue, ref.pages)
        for ref in read(SEED).references
    ]

    assert parts == [
        (
            "Fibromyalgia symptoms are reduced by low-dose naltrexone: a pilot study.",
            "Younger J, Mackey S",
            "Pain Med",
            2009,
            "10",
            "",
            "663–672",
        ),
        (
            "Different effects of opioid antagonists on μ-, δ-, and κ-opioid receptors with and without agonist "
            "pretreatment.",
            "Wang D, Sun X, Sadee W",
            "J Pharmacol Exp Ther",
            2007,
            "321",
            "",
            "544–552",
        ),
        (
            "The use of low-dose naltrexone (LDN) as a novel anti-inflammatory treatment for chronic pain.",
            "Younger J, Parkitny L, McLain D",
            "Clin Rheumatol",
            2014,
            "33",
            "",
            "451–459",
        ),
        (
            "Glia as the 'bad guys\": implications for improving clinical pain control and the clinical utility of "
            "opioids.",
            "Watkins LR, Hutchinson MF, Ledeboer A, Wieseler-Frank J, Milligan ED, Maier SF",
            "Brain Behav Immun",
            2007,
            "21",
            "",
            "131–146",
        ),
        (
            "Low-dose naltrexone therapy improves active Crohn's disease.",
            "Smith JP, Stock H, Bigaman S, Mauger D, Rogosnitzky M, Zagon I",
            "Am J Gastroenterol",
            2007,
            "102",
            "",
            "820–828",
        ),
    ]


def test_the_seed_references_say_which_are_linked_to_pmc_and_to_pubmed():
    flags = [(ref.in_pmc, ref.in_pubmed) for ref in read(SEED).references]

    assert flags == [(True, True), (False, True), (True, True), (True, True), (False, True)]


def test_the_seed_reference_with_a_web_address_keeps_it_and_reads_the_pmid_in_it():
    references = read(SEED).references

    assert (references[4].url, references[4].pmid) == ("https://insights.ovid.com/pubmed?=17222320", 17222320)
    assert [(ref.url, ref.pmid, ref.doi, ref.pmcid) for ref in references[:4]] == [("", None, "", "")] * 4


def test_the_seed_references_keep_their_printed_text_without_the_link_labels():
    references = read(SEED).references

    assert references[0].raw_text == (
        "Fibromyalgia symptoms are reduced by low-dose naltrexone: a pilot study. Younger J, Mackey S. Pain Med. "
        "2009;10:663–672."
    )
    assert references[4].raw_text == (
        "Low-dose naltrexone therapy improves active Crohn's disease. Smith JP, Stock H, Bigaman S, Mauger D, "
        "Rogosnitzky M, Zagon I. https://insights.ovid.com/pubmed?=17222320. Am J Gastroenterol. 2007;102:820–828."
    )


def test_the_seed_references_keep_greek_letters_en_dashes_and_the_odd_quote_exactly():
    references = read(SEED).references

    assert references[1].raw_text == (
        "Different effects of opioid antagonists on \u03bc-, \u03b4-, and \u03ba-opioid receptors with and without "
        "agonist pretreatment. Wang D, Sun X, Sadee W. J Pharmacol Exp Ther. 2007;321:544\u2013552."
    )
    assert references[3].raw_text == (
        "Glia as the 'bad guys\": implications for improving clinical pain control and the clinical utility of "
        "opioids. Watkins LR, Hutchinson MF, Ledeboer A, Wieseler-Frank J, Milligan ED, Maier SF. Brain Behav Immun. "
        "2007;21:131\u2013146."
    )
    assert [ref.pages[3] for ref in references] == ["\u2013"] * 5


# Several authors, affiliations, identifiers and a structured abstract.


def test_several_authors_are_read_in_order_with_the_affiliations_their_numbers_point_to():
    internal_medicine = "Department of Internal Medicine, Riverside General Hospital, Springfield, USA."
    gastroenterology = "Division of Gastroenterology and Hepatology, Riverside General Hospital, Springfield, USA."
    dermatology = "Department of Dermatology, Hospital Universitario del Norte, Monterrey, MEX."

    assert read(SEVERAL_AUTHORS).authors == [
        AuthorRecord(last_name="Smith", fore_name="Ann", initials="A", affiliation=internal_medicine),
        AuthorRecord(
            last_name="Li", fore_name="Bo", initials="B", affiliation=f"{internal_medicine}; {gastroenterology}"
        ),
        AuthorRecord(last_name="Gómez-Ruiz", fore_name="Carla", initials="C", affiliation=gastroenterology),
        AuthorRecord(last_name="de la Cruz", fore_name="Juan", initials="J", affiliation=dermatology),
    ]


def test_the_full_byline_wins_over_the_short_one_that_says_et_al():
    names = [author.last_name for author in read(SEVERAL_AUTHORS).authors]

    assert (names, "et al" in " ".join(names)) == (["Smith", "Li", "Gómez-Ruiz", "de la Cruz"], False)


def test_pmid_pmcid_and_doi_are_read_from_the_identifier_and_citation_lines():
    record = read(SEVERAL_AUTHORS)

    assert (record.pmid, record.pmcid, record.doi) == (32612345, "PMC7321234", "10.7759/cureus.8412")


def test_a_journal_name_on_the_citation_line_is_the_journal():
    record = read(SEVERAL_AUTHORS)

    assert (record.journal.iso_abbreviation, record.date.text, record.volume, record.issue, record.elocation_id) == (
        "Cureus",
        "2020 Jun 3",
        "12",
        "6",
        "e8412",
    )


def test_an_ecollection_date_is_not_taken_for_an_epub_date():
    assert read(SEVERAL_AUTHORS).epub_date == ""


def test_a_structured_abstract_keeps_each_label_at_the_head_of_its_paragraph():
    paragraphs = read(SEVERAL_AUTHORS).abstract.split("\n\n")

    assert [paragraph.split(":")[0] for paragraph in paragraphs] == ["Introduction", "Case presentation", "Conclusions"]
    assert paragraphs[0] == (
        "Introduction: Pruritus affects up to 70% of patients with primary biliary cholangitis (PBC) and can be "
        "refractory to bile acid sequestrants, rifampicin and sertraline."
    )


def test_the_copyright_line_is_not_part_of_the_abstract_or_the_keywords():
    record = read(SEVERAL_AUTHORS)

    assert ("Copyright" in record.abstract, record.keywords) == (
        False,
        ["case report", "cholestatic pruritus", "low-dose naltrexone", "primary biliary cholangitis"],
    )


def test_the_conflict_of_interest_statement_of_a_second_page_is_read():
    assert read(SEVERAL_AUTHORS).coi_statement == "The authors have declared that no competing interests exist."


def test_publication_types_with_a_leading_dash_are_read_once():
    assert read(SEVERAL_AUTHORS).publication_types == ["Case Reports"]


def test_references_printed_authors_first_are_read():
    references = read(SEVERAL_AUTHORS).references

    assert [(ref.authors, ref.title, ref.journal, ref.year, ref.issue, ref.pages, ref.doi) for ref in references] == [
        (
            "Hegade VS, Kendrick SF, Jones DE",
            "Primary biliary cirrhosis: pruritus.",
            "Clin Liver Dis",
            2014,
            "3",
            "409–422",
            "10.1016/j.cld.2014.01.007",
        ),
        (
            "Bergasa NV, Alling DW, Talbot TL, et al",
            "Effects of naloxone infusions in patients with the pruritus of cholestasis. A double-blind, randomized, "
            "controlled trial.",
            "Ann Intern Med",
            1995,
            "3",
            "161–167",
            "",
        ),
        (
            "Younger J, Parkitny L, McLain D",
            "The use of low-dose naltrexone (LDN) as a novel anti-inflammatory treatment for chronic pain.",
            "Clin Rheumatol",
            2014,
            "",
            "451–459",
            "",
        ),
    ]


def test_pmids_printed_under_similar_articles_are_not_the_page_s_pmid():
    similar = (
        "\nSimilar articles\n\n    A related case.\n    Doe J, et al. Gut. 2018;1:2.\n    PMID: 29031234 Review.\n"
    )
    text = text_of(SEED).replace("\nReferences\n", similar + "\nReferences\n")

    assert (parse_pubmed_page(text).pmid, len(parse_pubmed_page(text).references)) == (None, 5)


# A seasonal issue with no keywords, conflict of interest statement or references.


def test_a_seasonal_issue_date_and_pages_like_113_25_are_read():
    record = read(SEASONAL)

    assert (record.date, record.volume, record.issue, record.pages, record.elocation_id) == (
        PublicationDate(year=2019, season="Spring", text="2019 Spring"),
        "18",
        "2",
        "113-25",
        "",
    )


def test_a_journal_name_with_brackets_on_the_citation_line_is_the_journal():
    assert read(SEASONAL).journal.iso_abbreviation == "Integr Med (Encinitas)"


def test_a_page_without_keywords_conflict_of_interest_or_references_gives_empty_values():
    record = read(SEASONAL)

    assert (record.keywords, record.coi_statement, record.references) == ([], "", [])


def test_a_pmid_line_without_a_pmcid_and_a_citation_without_a_doi_give_the_pmid_alone():
    record = read(SEASONAL)

    assert (record.pmid, record.pmcid, record.doi, record.epub_date) == (31234567, "", "", "")


def test_abstract_labels_on_their_own_lines_lead_their_paragraphs():
    assert read(SEASONAL).abstract == (
        "Background: Crohn disease in children often needs long courses of corticosteroids or biologic agents.\n\n"
        "Case Presentation: A 14-year-old boy with ileocolonic Crohn disease relapsed twice on azathioprine. He was "
        "given naltrexone 0.1 mg/kg at night for 12 weeks; his Pediatric Crohn's Disease Activity Index fell from 40 "
        "to 10.\n\n"
        "Conclusion: Low-dose naltrexone was tolerated and was followed by remission in this patient."
    )


def test_a_blank_line_after_each_abstract_label_gives_the_same_abstract():
    text = text_of(SEASONAL)
    for label in ("Background:", "Case Presentation:", "Conclusion:"):
        text = text.replace(f"\n{label}\n", f"\n\n{label}\n\n")

    assert parse_pubmed_page(text).abstract == read(SEASONAL).abstract


def test_publication_types_listed_as_bullets_are_added_to_the_one_above_the_citation():
    assert read(SEASONAL).publication_types == ["Case Reports", "Review"]


def test_mesh_terms_are_read_with_their_qualifiers_and_major_topic_stars():
    assert read(SEASONAL).mesh_headings == [
        MeshRecord(descriptor="Adolescent"),
        MeshRecord(descriptor="Crohn Disease", qualifiers=[{"name": "drug therapy", "major": True}]),
        MeshRecord(descriptor="Humans"),
        MeshRecord(descriptor="Male"),
        MeshRecord(
            descriptor="Naltrexone",
            qualifiers=[
                {"name": "administration & dosage", "major": False},
                {"name": "therapeutic use", "major": True},
            ],
        ),
        MeshRecord(descriptor="Remission Induction", is_major=True),
    ]


def test_a_mesh_line_that_is_only_a_star_is_left_out():
    # Found by fuzzing: "*" gave a heading without a name, which the database refused with an IntegrityError.
    text = text_of(SEASONAL).replace("    Humans\n", "    Humans\n    *\n")
    assert "    *\n" in text
    headings = parse_pubmed_page(text, source="page.txt").mesh_headings
    assert [heading.descriptor for heading in headings] == [
        "Adolescent",
        "Crohn Disease",
        "Humans",
        "Male",
        "Naltrexone",
        "Remission Induction",
    ]


def test_substances_are_not_read_as_mesh_terms_or_publication_types():
    record = read(SEASONAL)
    read_names = [heading.descriptor for heading in record.mesh_headings] + record.publication_types

    assert "Narcotic Antagonists" not in read_names


def test_two_authors_each_get_their_own_affiliation():
    assert [(author.fore_name, author.last_name, author.affiliation) for author in read(SEASONAL).authors] == [
        ("Maria", "Rossi", "Department of Pediatrics, University of Bologna, Bologna, Italy."),
        ("Kenji", "Watanabe", "Department of Gastroenterology, Kyoto City Hospital, Kyoto, Japan."),
    ]


# An article published online before its issue, with a group author.


def test_an_epub_date_on_the_doi_line_is_read_as_an_iso_date():
    record = read(EPUB)

    assert (record.epub_date, record.date.text, record.doi) == ("2019-03-11", "2019 Jun", "10.1016/j.jocn.2019.03.021")


def test_a_volume_without_an_issue_number_gives_an_empty_issue_and_real_pages():
    record = read(EPUB)

    assert (record.journal.iso_abbreviation, record.volume, record.issue, record.pages, record.elocation_id) == (
        "J Clin Neurosci",
        "64",
        "",
        "41-44",
        "",
    )


def test_a_group_author_in_the_byline_is_a_collective_name_and_an_author_with_two_numbers_gets_both():
    paris = "Service de Neurologie, Hôpital Saint-Louis, Paris, France."
    stockholm = "Department of Clinical Neuroscience, Karolinska Institutet, Stockholm, Sweden."

    assert read(EPUB).authors == [
        AuthorRecord(last_name="Dubois", fore_name="Pierre", initials="P", affiliation=f"{paris}; {stockholm}"),
        AuthorRecord(last_name="Andersson", fore_name="Sofia", initials="S", affiliation=stockholm),
        AuthorRecord(collective_name="LDN-MS Study Group"),
    ]


def test_a_copyright_line_after_the_keywords_is_in_neither():
    record = read(EPUB)

    assert record.keywords == ["Fatigue", "Low-dose naltrexone", "Multiple sclerosis"]
    assert record.abstract.endswith("Neither had a relapse during a year of follow-up.")
    assert "\n" not in record.abstract


def test_publication_types_without_bullets_and_a_mesh_descriptor_with_a_comma_are_read():
    record = read(EPUB)

    assert record.publication_types == ["Review", "Case Reports"]
    assert [heading.descriptor for heading in record.mesh_headings] == [
        "Adult",
        "Fatigue",
        "Female",
        "Humans",
        "Multiple Sclerosis, Relapsing-Remitting",
        "Naltrexone",
    ]


# A letter from an issue dated across two years, with no abstract.


def test_an_issue_dated_across_two_years_keeps_its_first_month_and_its_whole_text():
    record = read(LETTER)

    assert (record.date, record.volume, record.issue, record.pages) == (
        PublicationDate(year=1998, month=12, text="1998 Dec-1999 Jan"),
        "93",
        "12",
        "2456-7",
    )


def test_a_page_without_an_abstract_or_doi_gives_empty_values():
    record = read(LETTER)

    assert (record.title, record.abstract, record.doi, record.pmid, record.keywords) == (
        "Naltrexone and Severe Cholestatic Itch After Liver Transplantation",
        "",
        "",
        9860412,
        [],
    )


def test_two_publication_types_above_the_citation_are_both_read_and_the_top_comment_is_not():
    assert read(LETTER).publication_types == ["Case Reports", "Letter"]


def test_one_author_with_one_affiliation_and_an_apostrophe_in_the_surname():
    assert read(LETTER).authors == [
        AuthorRecord(
            last_name="O'Brien",
            fore_name="Robert",
            initials="R",
            affiliation="Liver Unit, St. Vincent's University Hospital, Dublin, Ireland.",
        )
    ]


# Other layouts of the same parts, made from the seed.


def test_a_journal_name_on_its_own_line_above_the_citation_is_not_a_publication_type():
    text = text_of(SEED).replace("Case Reports\n. 2019 Mar 11", "Case Reports\nCureus\n. 2019 Mar 11", 1)
    record = parse_pubmed_page(text)

    assert (record.journal.iso_abbreviation, record.publication_types) == ("Cureus", ["Case Reports"])


def test_an_article_number_of_letters_and_digits_is_an_elocator_not_pages():
    text = text_of(SEED).replace(". 2019 Mar 11;11(3):e4225.", "BMJ Case Rep. 2013 Mar 11;2013:bcr2012008101.")
    record = parse_pubmed_page(text)

    assert (record.journal.iso_abbreviation, record.volume, record.issue, record.pages, record.elocation_id) == (
        "BMJ Case Rep",
        "2013",
        "",
        "",
        "bcr2012008101",
    )


def test_an_article_ahead_of_print_gives_its_identifier_and_no_volume_or_pages():
    citation = "Am J Med. 2024 Jan 5:S0002-9343(23)00789-0. doi: 10.1016/j.amjmed.2023.12.010. Online ahead of print."
    record = parse_pubmed_page(text_of(SEED).replace(". 2019 Mar 11;11(3):e4225.\ndoi: 10.7759/cureus.4225.", citation))

    assert (record.date.text, record.volume, record.pages, record.elocation_id, record.doi) == (
        "2024 Jan 5",
        "",
        "",
        "S0002-9343(23)00789-0",
        "10.1016/j.amjmed.2023.12.010",
    )


def test_an_article_ahead_of_print_with_page_numbers_gives_them_as_pages():
    citation = "Eur J Sport Sci. 2022 Jan 31:1-13. doi: 10.1080/17461391.2022.2033853. Online ahead of print."
    record = parse_pubmed_page(text_of(SEED).replace(". 2019 Mar 11;11(3):e4225.\ndoi: 10.7759/cureus.4225.", citation))

    assert (record.date.text, record.volume, record.pages, record.elocation_id) == ("2022 Jan 31", "", "1-13", "")


def test_a_full_byline_with_numbers_and_affiliations_replaces_the_short_one():
    full = f"{SEED_TITLE}\n\nScott Zashin 1\nAffiliations\n\n    1 Internal Medicine, Zashin Clinic, Dallas, USA.\n"
    text = text_of(SEED).replace(f"{SEED_TITLE}\n\nAffiliations\n", full, 1)

    assert parse_pubmed_page(text).authors == [
        AuthorRecord(
            last_name="Zashin",
            fore_name="Scott",
            initials="S",
            affiliation="Internal Medicine, Zashin Clinic, Dallas, USA.",
        )
    ]


def test_a_short_byline_with_et_al_gives_only_the_author_it_names():
    text = text_of(SEED).replace("Scott Zashin. Cureus. .", "Scott Zashin et al. Cureus. 2019.")

    assert parse_pubmed_page(text).authors == [AuthorRecord(last_name="Zashin", fore_name="Scott", initials="S")]


@pytest.mark.parametrize("path", ALL_PAGES, ids=lambda path: path.name)
def test_crlf_line_endings_give_the_same_record_as_lf(path):
    text = text_of(path)

    assert "\r" not in text
    assert parse_pubmed_page(text.replace("\n", "\r\n")) == parse_pubmed_page(text)


@pytest.mark.parametrize("path", ALL_PAGES, ids=lambda path: path.name)
def test_a_utf8_byte_order_mark_gives_the_same_record(path):
    with_bom = ("\ufeff" + text_of(path).replace("\n", "\r\n")).encode("utf-8")

    assert parse_pubmed_page(with_bom.decode("utf-8")) == parse_pubmed_page(text_of(path))


# Input that is not a PubMed page.


@pytest.mark.parametrize("text", ["", "  \n\t\n", "\ufeff", "\r\n\r\n"])
def test_an_empty_file_is_refused_with_a_message_saying_what_was_expected(text):
    error = error_for(text, source="empty.txt")

    assert str(error) == (
        "empty.txt, field 'citation': the file is empty: expected the text of a PubMed abstract page (open the "
        "article on pubmed.ncbi.nlm.nih.gov, select all, copy and save as text)"
    )


@pytest.mark.parametrize(
    "text",
    [
        "<!DOCTYPE html>\n<html lang='en'><head><title>Sjogren's Syndrome - PubMed</title></head>\n"
        "<body><div class='cit'>2019 Mar 11;11(3):e4225.</div></body></html>",
        "\n  <html><body>Cureus. 2019 Mar 11;11(3):e4225.</body></html>",
    ],
)
def test_an_html_page_is_refused_with_a_message_saying_to_save_the_text(text):
    error = error_for(text, source="31123647.html")

    assert (error.source, error.field) == ("31123647.html", "citation")
    assert error.message == (
        "this is an HTML or XML file, not the text of a PubMed abstract page: open the page in a browser, "
        "select all, copy and save the text"
    )


@pytest.mark.parametrize(
    "text",
    [
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit.\nSed do eiusmod tempor.\n",
        "In 2019 we went to the seaside.\nSee you. 2019 was a good year.\nIt rained on 2019 Mar 11.\n",
        "Patient notes\n\nA 47-year-old woman. 2019 follow-up visit; she improved.\n",
    ],
)
def test_random_text_is_refused_for_want_of_a_citation_line(text):
    error = error_for(text)

    assert (error.field, error.message) == (
        "citation",
        "no citation line (like 'Cureus. 2019 Mar 11;11(3):e4225.') was found: this does not look like the text "
        "of a PubMed abstract page",
    )


@pytest.mark.parametrize("path", ALL_PAGES, ids=lambda path: path.name)
def test_a_page_without_a_title_is_refused(path):
    record = read(path)
    text = text_of(path).replace(record.title + "\n", "")

    error = error_for(text, source=path.name)

    assert str(error) == (
        f"{path.name}, field 'title': the page has no title: expected the article's title on its own line after "
        "the citation line"
    )


def test_a_citation_line_alone_is_refused_for_want_of_a_title():
    assert error_for("Cureus. 2019 Mar 11;11(3):e4225.").field == "title"


@pytest.mark.parametrize("path", ALL_PAGES, ids=lambda path: path.name)
def test_a_page_cut_short_anywhere_gives_a_record_error_until_its_title_and_a_record_after(path):
    lines = text_of(path).split("\n")
    title_at = lines.index(read(path).title)
    outcomes = []
    for count in range(len(lines) + 1):
        try:
            outcomes.append(type(parse_pubmed_page("\n".join(lines[:count]))).__name__)
        except RecordError:
            outcomes.append("RecordError")

    assert outcomes == ["RecordError"] * (title_at + 1) + ["ArticleRecord"] * (len(lines) - title_at)


@pytest.mark.parametrize(
    ("path", "citation"),
    [
        (SEED, ". 2019 Mar 11;11(3):e4225."),
        (SEVERAL_AUTHORS, "Cureus. 2020 Jun 3;12(6):e8412. doi: 10.7759/Cureus.8412. eCollection 2020 Jun."),
        (SEASONAL, "Integr Med (Encinitas). 2019 Spring;18(2):113-25."),
        (EPUB, "J Clin Neurosci. 2019 Jun;64:41-44."),
        (LETTER, "Am J Gastroenterol. 1998 Dec-1999 Jan;93(12):2456-7."),
    ],
    ids=lambda value: getattr(value, "name", ""),
)
def test_leaving_out_any_one_line_fails_only_for_the_citation_line_and_the_title(path, citation):
    lines = text_of(path).split("\n")
    refused = {}
    for index in range(len(lines)):
        try:
            parse_pubmed_page("\n".join(lines[:index] + lines[index + 1 :]))
        except RecordError as error:
            refused[lines[index]] = error.field

    assert refused == {citation: "citation", read(path).title: "title"}


# One printed reference at a time.


def test_a_reference_whose_title_contains_a_full_stop_keeps_the_whole_title():
    reference = parse_reference(
        "Naltrexone for cholestatic itch. A case series of four patients. Rossi M, Li B. J Hepatol. "
        "2018;68(2):301-310. - PubMed"
    )

    assert (reference.title, reference.authors, reference.journal, reference.year, reference.issue) == (
        "Naltrexone for cholestatic itch. A case series of four patients.",
        "Rossi M, Li B",
        "J Hepatol",
        2018,
        "2",
    )


def test_a_reference_whose_title_ends_in_a_question_mark_is_split_there():
    reference = parse_reference("Is it lupus? Smith J, Li B. Gut. 2001;49:12-15.")

    assert (reference.title, reference.authors, reference.pages) == ("Is it lupus?", "Smith J, Li B", "12-15")


def test_a_reference_with_et_al_keeps_et_al_in_its_authors():
    reference = parse_reference(
        "Smith JP, Bingaman SI, Ruggiero F, et al. Therapy with the opioid antagonist naltrexone promotes mucosal "
        "healing in active Crohn's disease. Dig Dis Sci. 2011;56(7):2088-97. - PMC - PubMed"
    )

    assert (reference.authors, reference.title, reference.journal, reference.pages, reference.in_pmc) == (
        "Smith JP, Bingaman SI, Ruggiero F, et al",
        "Therapy with the opioid antagonist naltrexone promotes mucosal healing in active Crohn's disease.",
        "Dig Dis Sci",
        "2088-97",
        True,
    )


@pytest.mark.parametrize(
    "text",
    [
        "The CARE guidelines: consensus-based clinical case reporting guideline development. Gagnier JJ, Kienle G, "
        "Altman DG, Moher D, Sox H, Riley D; CARE Group. Glob Adv Health Med. 2013;2:38–43. - PMC - PubMed",
        "Gagnier JJ, Kienle G, Altman DG, Moher D, Sox H, Riley D; CARE Group. The CARE guidelines: consensus-based "
        "clinical case reporting guideline development. Glob Adv Health Med. 2013;2:38–43. - PMC - PubMed",
    ],
)
def test_a_reference_with_a_group_author_after_the_people_reads_the_group_as_an_author(text):
    reference = parse_reference(text)

    assert (reference.authors, reference.title, reference.journal, reference.year, reference.pages) == (
        "Gagnier JJ, Kienle G, Altman DG, Moher D, Sox H, Riley D; CARE Group",
        "The CARE guidelines: consensus-based clinical case reporting guideline development.",
        "Glob Adv Health Med",
        2013,
        "38–43",
    )


def test_a_reference_by_a_group_alone_reads_the_group_as_its_author():
    reference = parse_reference(
        "American Diabetes Association. Standards of medical care in diabetes. Diabetes Care. 2019;42(Suppl 1):S1-S193."
    )

    assert (reference.authors, reference.title, reference.volume, reference.issue, reference.pages) == (
        "American Diabetes Association",
        "Standards of medical care in diabetes.",
        "42",
        "Suppl 1",
        "S1-S193",
    )


def test_a_reference_whose_authors_end_in_a_dot_or_a_suffix_reads_them():
    reference = parse_reference(
        "Benson DM Jr., Smith MK, d'Angelo M. Effectiveness of lenalidomide for the treatment of plasma cell "
        "leukemia. Leuk Lymphoma. 2007;48:1423-5."
    )

    assert (reference.authors, reference.title, reference.journal) == (
        "Benson DM Jr., Smith MK, d'Angelo M",
        "Effectiveness of lenalidomide for the treatment of plasma cell leukemia.",
        "Leuk Lymphoma",
    )


def test_a_title_that_reads_like_a_group_is_still_the_title():
    reference = parse_reference("Smith J. Guidelines of the European Society. Gut. 2001;49:12-15.")

    assert (reference.authors, reference.title) == ("Smith J", "Guidelines of the European Society.")


def test_a_reference_with_a_doi_reads_it_in_lower_case_and_keeps_it_out_of_the_pages():
    reference = parse_reference(
        "Hegade VS, Kendrick SF, Jones DE. Primary biliary cirrhosis: pruritus. Clin Liver Dis. "
        "2014;18(3):409-422. doi: 10.1016/J.CLD.2014.01.007. - DOI - PubMed"
    )

    assert (reference.doi, reference.pages, reference.volume, reference.in_pubmed, reference.in_pmc) == (
        "10.1016/j.cld.2014.01.007",
        "409-422",
        "18",
        True,
        False,
    )
    assert reference.raw_text.endswith("doi: 10.1016/J.CLD.2014.01.007.")


def test_a_reference_with_a_doi_address_reads_the_doi_and_keeps_the_address():
    reference = parse_reference("Smith J, Li B. A case. J Foo. 2019 Mar;11(2):100-105. https://doi.org/10.1000/XYZ.123")

    assert (reference.url, reference.doi, reference.pages, reference.title) == (
        "https://doi.org/10.1000/XYZ.123",
        "10.1000/xyz.123",
        "100-105",
        "A case.",
    )


def test_a_reference_with_pmid_and_pmcid_reads_both_and_keeps_them_out_of_the_pages():
    reference = parse_reference("Smith J, Li B. A case. J Foo. 2019;11(2):100-105. PMID: 12345678; PMCID: PMC1234567.")

    assert (reference.pmid, reference.pmcid, reference.pages) == (12345678, "PMC1234567", "100-105")


@pytest.mark.parametrize(
    "text",
    [
        "Personal communication from Dr Smith. - PubMed",
        "World Health Organization. Global report on psoriasis. Geneva: WHO; n.d.",
        "Smith J. Naltrexone in practice [thesis]. Springfield: Riverside University Press.",
    ],
)
def test_a_reference_with_no_year_keeps_its_raw_text_and_leaves_the_parts_empty(text):
    reference = parse_reference(text)

    assert reference == ReferenceRecord(
        raw_text=text.removesuffix(" - PubMed"), in_pubmed=text.endswith("- PubMed"), in_pmc=False
    )


def test_a_reference_whose_parts_make_no_sense_keeps_only_its_printed_text():
    text = (
        "Smith J. A study. J Med. 2020;12 This is not a volume but a long run of words that the pattern swallowed "
        "by mistake:1-2."
    )
    reference = parse_reference(text)
    assert reference.raw_text == text
    assert (reference.journal, reference.year, reference.volume, reference.pages, reference.title) == (
        "",
        None,
        "",
        "",
        "",
    )


page_lines = st.lists(
    st.one_of(
        st.sampled_from(SEED.read_text(encoding="utf-8").splitlines()),
        st.text(max_size=80),
        st.sampled_from(["Abstract", "References", "Keywords: a; b.", "    1. x", ". 2019 Mar 11;11(3):e4225."]),
    ),
    max_size=60,
)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(page_lines, st.binary(max_size=200))
def test_no_page_makes_the_reader_raise_anything_but_its_own_error(lines, noise):
    for raw in ("\n".join(lines).encode("utf-8", "surrogatepass"), noise):
        try:
            [record] = read_pubmed_page(io.BytesIO(raw), source="page.txt")
        except (RecordError, UnicodeEncodeError):
            continue
        for text in (record.title, record.abstract, record.coi_statement, *record.keywords):
            assert not any(ord(c) < 32 and c not in "\n" for c in text)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(st.text(max_size=3000))
def test_no_reference_text_makes_the_reference_reader_fail(text):
    reference = parse_reference(text)
    assert reference.raw_text == text.strip() or reference.raw_text in text


# Through import_file into the database: damaged and rearranged pages are imported whole or refused, and a refused
# page leaves every row as it was (tests/importers/fuzzing.py has the property).

REAL_PAGES = real_files(*ALL_PAGES)
PAGE_PIECES = [
    b"\nAbstract\n",
    b"\nReferences\n",
    b"\nKeywords: ",
    b"\nPMID: ",
    b"PMCID: PMC",
    b" doi: 10.",
    b"\nAffiliations\n",
    b". 2019 Mar 11;11(3):e4225.",
    b"\n1. ",
    b" - PubMed",
    b"https://",
    b"javascript:alert(1)",
]


@pytest.fixture
def pages_in_the_database(db):
    """The real pages imported first, so that damaged copies of them merge into reports that are there."""
    for path in ALL_PAGES:
        assert import_file(file=path).ok


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damaged(REAL_PAGES, pieces=PAGE_PIECES), st.sampled_from(["pubmed_page", None]))
def test_a_damaged_page_is_imported_whole_or_refused_leaving_the_database_as_it_was(
    pages_in_the_database, data, format
):
    assert_imports_whole_or_refuses_cleanly(data, name="fuzz.txt", format=format)


hostile_line = (
    st.sampled_from(HOSTILE_PIECES).map(lambda piece: piece.decode("utf-8", "replace"))
    | st.sampled_from([piece.decode().strip() for piece in PAGE_PIECES])
    | st.text(max_size=80)
)


@st.composite
def rearranged_page(draw) -> bytes:
    """A real page with lines (its own, another page's, or hostile ones) put in, repeated, or taken out."""
    lines = draw(st.sampled_from(REAL_PAGES)).decode("utf-8-sig").splitlines()
    every_line = [line for page in REAL_PAGES for line in page.decode("utf-8-sig").splitlines()]
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        at = draw(st.integers(0, len(lines)))
        change = draw(st.sampled_from(["insert", "repeat", "remove", "replace"]))
        if change == "insert":
            lines.insert(at, draw(st.sampled_from(every_line) | hostile_line))
        elif change == "repeat" and at < len(lines):
            lines.insert(at, lines[at])
        elif change == "remove" and at < len(lines):
            del lines[at]
        elif at < len(lines):
            lines[at] = draw(hostile_line)
    return "\n".join(lines).encode("utf-8", "surrogatepass")


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rearranged_page())
def test_real_lines_and_hostile_ones_in_any_order_are_imported_whole_or_refused(pages_in_the_database, data):
    assert_imports_whole_or_refuses_cleanly(data, name="rearranged.txt", format="pubmed_page")
