"""Theme names, descriptions, why-here and fit scores on real Finnish text, with the real
spaCy pipeline, Voikko and the real embedder (no mocks).

A name must be a Finnish noun phrase in base form, checked here with Voikko itself
(independently of how ``phrases`` builds it): every phrase of the name ("A" or "A ja B")
ends in a noun in the nominative, and every word before it is either a nominative
adjective or participle (agreeing) or a genitive attribute.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import libvoikko
import numpy as np
import pytest

from service.config import Settings
from service.corpora import read_manifest
from service.ingest import embedding_text, prepare_document, validate_meta
from service.nlp import NlpResources
from service.pipeline.describe import describe_themes
from service.pipeline.explain import (
    first_sentence,
    fit_scores,
    similarity_quantiles,
    theme_description,
    why_here,
)
from service.pipeline.keywords import theme_keywords
from service.pipeline.language import FINNISH_STOP_WORDS, FinnishAnalyzer, lemma_documents
from service.pipeline.naming import GENERIC_WORDS, UNNAMED, ThemeName, theme_names
from service.pipeline.phrases import as_phrases, noun_phrases
from service.pipeline.themes import ThemeModel
from service.pipeline.words import written_names
from tests.shared import shared_file

SHARED_SETS = (
    "sib200_fin_topics",
    "omastadi_proposals",
    "eduskunta_vkk_ministry_sentences",
)
PER_LABEL = 30  # notes per label taken from each shared set
VOIKKO = libvoikko.Voikko("fi")
NOUN_CLASSES = {"nimisana", "nimisana_laatusana"}
NAME_CLASSES = {"etunimi", "sukunimi", "paikannimi", "nimi"}


def _readings(word: str) -> list[dict[str, str]]:
    readings = VOIKKO.analyze(word)
    if not readings and "-" in word:  # "TKI-toiminta": Voikko reads the last part
        readings = VOIKKO.analyze(word.rsplit("-", 1)[1])
    return [dict(r) for r in readings]


def _is_head(word: str) -> bool:
    """A noun (or a -minen noun) in the nominative, singular or plural."""
    return any(
        r.get("SIJAMUOTO") == "nimento"
        and (r.get("CLASS") in NOUN_CLASSES or r.get("MOOD") == "MINEN-infinitive")
        for r in _readings(word)
    )


def _is_modifier(word: str) -> bool:
    """A nominative adjective or participle, or any word in the genitive."""
    return any(
        r.get("SIJAMUOTO") == "omanto"
        or (r.get("SIJAMUOTO") == "nimento" and r.get("CLASS") in {"laatusana", *NOUN_CLASSES})
        for r in _readings(word)
    )


def assert_readable_name(name: ThemeName) -> None:
    """A noun phrase (or two joined by "ja") in base form, no person's name, not only
    generic words."""
    assert name.name != UNNAMED, name
    assert name.name[0].isupper(), name
    text = name.name[0].lower() + name.name[1:]
    for phrase in text.split(" ja "):
        *modifiers, head = phrase.split()
        assert _is_head(head), f"{name.name!r}: {head!r} is no noun in the nominative"
        for word in modifiers:
            assert _is_modifier(word), f"{name.name!r}: {word!r} is no attribute"
        for word in phrase.split():
            assert not any(r.get("CLASS") in NAME_CLASSES for r in _readings(word.title())) or any(
                r.get("CLASS") not in NAME_CLASSES for r in _readings(word)
            ), f"{name.name!r}: {word!r} is a proper name"
    assert not all(w in GENERIC_WORDS for w in name.lemmas), name
    assert not any(w in FINNISH_STOP_WORDS for w in name.lemmas), name


def _name(
    nlp: NlpResources, texts: Sequence[str], labels: np.ndarray, embed_texts: Sequence[str] = ()
) -> list[ThemeName]:
    """Names of the themes ``labels`` makes of ``texts``, as the service makes them."""
    analyses = FinnishAnalyzer(backend="spacy").analyze(list(texts))
    vectors = nlp.embedder.embed(list(embed_texts or texts)).astype(np.float64)
    k = int(labels.max()) + 1
    centroids = np.stack([vectors[labels == t].mean(axis=0) for t in range(k)])
    return theme_names(
        labels,
        [a.phrases for a in analyses],
        theme_keywords(lemma_documents(analyses), labels),
        centroids,
        nlp.embedder.embed,
        vectors.mean(axis=0),
        names=written_names(texts),
    )


def test_phrases_are_in_base_form_and_leave_names_out() -> None:
    import spacy

    nlp = spacy.load("spacy_fi_experimental_web_md", exclude=["ner"])
    doc = nlp("Osaavan työvoiman saatavuus on Matti Virtasen mukaan suurin haaste.")
    texts = {text for _, text, _ in noun_phrases(doc)}
    assert {"osaavan työvoiman saatavuus", "työvoiman saatavuus", "osaava työvoima"} <= texts
    assert not any("virtanen" in t or "matti" in t for t in texts)
    assert not any("suuri" in t for t in texts)  # a superlative has no base form here
    doc = nlp("Uusia yrityksiä tarvitaan. Nuoret tarvitsevat kesätyöpaikkoja.")
    phrases = noun_phrases(doc)
    assert ("uusi yritys", "uusi yritys", "o") in phrases  # partitive plural -> base form
    assert ("nuori", "nuoret", "p") in phrases  # the nominative plural as written
    assert ("kesätyöpaikka", "kesätyöpaikka", "o") in phrases


def test_a_compound_ending_in_an_empty_word_is_the_phrase_of_its_front() -> None:
    """ "Osaamistarveteema" says no more than "osaamistarve", nor "osaamisen teema" more
    than "osaaminen": the phrase is counted as its front, so the notes that say
    "osaamistarpeiden ennakointi" and those that say "osaamistarveteemassa" speak of one
    thing, and no name reads "Osaamistarveteema" or "Osaamisen teeman kanta"."""
    import spacy

    nlp = spacy.load("spacy_fi_experimental_web_md", exclude=["ner"])
    doc = nlp("Osaamistarveteemassa keskusteltiin. Hyvinvointiteemat olivat esillä.")
    phrases = noun_phrases(doc)
    keys = {key for key, _, _ in phrases}
    assert "osaamistarve" in keys and "hyvinvointi" in keys
    assert not any("teema" in key for key in keys)
    assert ("hyvinvointi", "hyvinvointi", "o") in phrases  # no plural of the front is made
    doc = nlp("Osaamisen teema nousi esiin.")  # the genitive says it: "osaaminen"
    assert {key for key, _, _ in noun_phrases(doc)} == {"osaaminen"}
    doc = nlp("Osaamisen teeman kanta oli selvä.")
    assert not any("teema" in key for key, _, _ in noun_phrases(doc))
    doc = nlp("Asuinalueen kehittämishanke eteni.")  # no word as a front: kept as written
    assert {"asuinalue", "kehittämishanke"} <= {key for key, _, _ in noun_phrases(doc)}
    # Phrases stored by the earlier extractor are read as today's would make them.
    stored = [
        ["osaaminen teema", "osaamisen teema", "s"],
        ["alue osaamistarveteema", "alueen osaamistarveteema", "s"],
        ["hyvinvointiteema", "hyvinvointiteemat", "p"],
        ["kanta", "kanta", "s"],
    ]
    assert as_phrases(stored) == [
        ("alue osaamistarve", "alueen osaamistarve", "s"),
        ("hyvinvointi", "hyvinvointi", "o"),
        ("kanta", "kanta", "s"),
    ]


Sample = tuple[list[str], np.ndarray, list[ThemeName], ThemeModel]


@pytest.fixture(scope="module")
def sample_corpora(nlp: NlpResources) -> Sample:
    """The five documents of corpora/ together, themed by the real model."""
    settings = Settings()
    texts, embedded = [], []
    for document in read_manifest():
        prepared = prepare_document(
            document.path.name,
            document.path.read_bytes(),
            validate_meta(document.region, document.kind),
            settings,
        )
        texts += [n.text for n in prepared.notes]
        embedded += [embedding_text(n.text, n.context) for n in prepared.notes]
    analyses = FinnishAnalyzer(backend="spacy").analyze(texts)
    vectors = nlp.embedder.embed(embedded)
    model = ThemeModel().fit(vectors, lemma_documents(analyses))
    return texts, model.labels_, _name(nlp, texts, model.labels_, embedded), model


def test_sample_corpora_names_are_readable_and_distinct(
    sample_corpora: Sample,
) -> None:
    _, labels, names, _ = sample_corpora
    assert len(names) == labels.max() + 1 >= 3
    for name in names:
        assert_readable_name(name)
    assert len({n.name.lower() for n in names}) == len(names)
    assert any(len(n.name.split()) >= 2 for n in names)  # phrases, not only single words


@pytest.mark.parametrize("dataset", SHARED_SETS)
def test_shared_set_names_are_readable_and_distinct(nlp: NlpResources, dataset: str) -> None:
    rows = [
        json.loads(line) for line in shared_file(f"data/{dataset}.jsonl").open(encoding="utf-8")
    ]
    taken: dict[str, int] = {}
    chosen = []
    for row in rows:  # the first PER_LABEL notes of every label, labels as themes
        if taken.get(row["label"], 0) < PER_LABEL:
            taken[row["label"]] = taken.get(row["label"], 0) + 1
            chosen.append(row)
    codes = {label: i for i, label in enumerate(sorted(taken))}
    labels = np.array([codes[row["label"]] for row in chosen])
    names = _name(nlp, [row["text"] for row in chosen], labels)
    assert len(names) == len(codes)
    for name in names:
        assert_readable_name(name)
    assert len({n.name.lower() for n in names}) == len(names)


def test_a_person_dominating_a_theme_never_names_it(nlp: NlpResources) -> None:
    person = [
        "Matti Virtanen kertoi nuorten kesätyöpaikoista.",
        "Virtasen mukaan kesätyöpaikat ovat nuorille tärkeitä.",
        "Matti Virtanen haluaa lisää kesätyöpaikkoja kuntiin.",
        "Kesätyöpaikkojen määrä kasvaa, sanoi Matti Virtanen.",
        "Matti Virtasen ehdotus: kesätyöpaikka jokaiselle nuorelle.",
        "Virtanen muistutti, että kesätyöpaikat sitouttavat nuoria.",
        "Matti Virtanen: yritysten kesätyöpaikat houkuttelevat opiskelijoita.",
        "Matti Virtasen kesätyöpaikkakampanja alkaa toukokuussa.",
    ]
    other = [
        "Joukkoliikenteen vuoroja tarvitaan iltaisin lisää.",
        "Bussien vuorovälit ovat maaseudulla liian pitkiä.",
        "Joukkoliikenne ei kulje viikonloppuisin.",
        "Junayhteydet pääkaupunkiin ovat hitaita.",
        "Joukkoliikenteen liput ovat kalliita.",
        "Kutsutaksi auttaisi syrjäkylien asukkaita.",
    ]
    labels = np.array([0] * len(person) + [1] * len(other))
    names = _name(nlp, person + other, labels)
    for name in names:
        assert_readable_name(name)
        assert not {"matti", "virtanen"} & {w.lower() for w in name.name.split()}, name
    assert "kesätyöpaik" in names[0].name.lower()


def test_a_name_the_notes_write_with_a_capital_never_names_a_theme(nlp: NlpResources) -> None:
    """Seen on the sample project: a theme named "Sitra" (an organisation). Voikko reads
    "sitra" as a common noun, so the phrase extractor kept it at the start of a sentence;
    the notes themselves write it with a capital mid-sentence, as Finnish writes names."""
    organisation = [
        "Sitra tukee alueita.",
        "Sitra vauhdittaa uudistumista.",
        "Sitra tuottaa tietoa päättäjille.",
        "Sitra kouluttaa muutoksentekijöitä.",
        "Alueet tekivät Sitran kanssa yhteistyötä.",
        "Yhteistyössä Sitran kanssa syntyi uusia ideoita.",
    ]
    other = [
        "Joukkoliikenteen vuoroja tarvitaan iltaisin lisää.",
        "Bussien vuorovälit ovat maaseudulla liian pitkiä.",
        "Joukkoliikenne ei kulje viikonloppuisin.",
        "Joukkoliikenteen liput ovat kalliita.",
    ]
    texts = organisation + other
    keys = np.array([0] * len(organisation) + [1] * len(other))
    analyses = FinnishAnalyzer(backend="spacy").analyze(texts)
    vectors = nlp.embedder.embed(texts).astype(np.float64)
    described = describe_themes(  # as a theme run describes its themes
        keys,
        vectors,
        lemma_documents(analyses),
        list(range(len(texts))),
        np.zeros((len(texts), 2)),
        vectors.mean(axis=0),
        texts,
        [a.phrases for a in analyses],
        nlp.embedder.embed,
    )
    assert "sitra" not in described[0].name.lower(), described[0].name
    assert described[1].name == "Joukkoliikenne"


def test_written_names_are_capitals_mid_sentence_that_the_notes_never_write_lowercase() -> None:
    texts = [
        "Punos - Osaamisen verkostot",  # a heading's capital after a dash
        "Osaamisen kehittäminen on tärkeää, ja osaamisen tarpeet kasvavat.",
        "Teimme yhteistyötä Sitran kanssa.",
        "Sitra tukee alueita; TKI-toiminta kasvaa EU:n tuella.",
        "Tavoite: Euroopan paras oppimisympäristö.",  # after a colon: a clause's start
        "Asiasta päättää Verohallinto, ei Hämeenlinnan kaupunki.",
        "a) Työvoima ja b) Koulutus",  # a list's letters start its items
        "Hankkeen tukena on Kela.",  # a name made of one word, derived or not
    ]
    # Verohallinto says what it is in common words (vero + hallinto) and may name a
    # theme; a place may not.
    assert written_names(texts) == {"sitra", "hämeenlinna", "kela"}
    # A derivation is one word, not a compound of two ("koulutus" <- "kouluttaa")
    assert written_names(["Hanketta vetää Koulutus, ei kunta."]) == {"koulutus"}


def test_a_theme_without_phrases_falls_back_to_a_noun_keyword_that_is_no_name() -> None:
    """Seen on the sample project: a theme without a phrase of two notes fell back to its
    best keyword, "eurooppa", a place name; without that one it took "iso" (big): the
    fallback takes the best keyword that is a noun and no name."""
    labels = np.array([0, 0, 1, 1])
    keywords = [[("eurooppa", 1.0), ("iso", 0.9), ("kampus", 0.8)], [("joukkoliikenne", 1.0)]]
    names = theme_names(labels, [()] * 4, keywords)
    assert names[0].lemmas == ("kampus",), names


def test_a_name_never_takes_a_phrase_that_says_another_theme_better() -> None:
    """Seen on the sample project: "Hyvinvointi ja terveys" (health in a few of its 14
    notes) took "terveys" from the theme whose notes are mostly about health, which was
    left with "Koulutus" (two notes of nine). Here "terveys" is in half the notes of
    theme 0 and in five of seven of theme 1: it names theme 1, not theme 0's pair.
    Phrases ranked by c-TF-IDF alone (no embedder), as when none is given."""
    notes = [
        *[[("hyvinvointi", "hyvinvointi", "s")]] * 3,
        *[[("terveys", "terveys", "s")]] * 3,
        *[[("terveys", "terveys", "s")]] * 5,
        *[[("koulutus", "koulutus", "s")]] * 2,
    ]
    labels = np.array([0] * 6 + [1] * 7)
    keywords = [[("hyvinvointi", 1.0)], [("terveys", 1.0)]]
    names = theme_names(labels, notes, keywords)
    assert "terveys" not in names[0].lemmas, names
    assert names[1].lemmas[0] == "terveys", names


def test_generic_words_never_name_a_theme_alone(nlp: NlpResources) -> None:
    generic = [
        "Alueen asiat pitää tehdä alueella yhdessä.",
        "Alueella on paljon asioita, joita pitää tehdä.",
        "Toiminta alueella on tärkeää.",
        "Alueen toimintaa kehitetään, ja matkailu kasvaa.",
        "Alueen matkailu tarvitsee uusia palveluja.",
        "Asia on alueelle tärkeä: matkailu työllistää.",
    ]
    other = [
        "Koulujen oppilaat tarvitsevat lisää liikuntaa.",
        "Koulujen liikuntatunteja pitäisi lisätä.",
        "Oppilaiden liikunta on vähentynyt.",
        "Koulumatkat kannattaa kulkea pyörällä.",
    ]
    labels = np.array([0] * len(generic) + [1] * len(other))
    names = _name(nlp, generic + other, labels)
    for name in names:
        assert_readable_name(name)
    assert "matkailu" in names[0].lemmas


def test_descriptions_end_at_a_sentence_boundary(
    sample_corpora: Sample,
) -> None:
    assert first_sentence("Esim. Kuopio ja mm. Iisalmi ovat mukana. Toinen lause.") == (
        "Esim. Kuopio ja mm. Iisalmi ovat mukana."
    )
    assert first_sentence("Miksi? Koska.") == "Miksi?"
    assert first_sentence("Ensimmäinen kesätyöpaikka olennainen") == (
        "Ensimmäinen kesätyöpaikka olennainen"
    )
    assert first_sentence("Otsikko\nRivi kaksi.") == "Otsikko"
    texts, labels, _, _ = sample_corpora
    for theme in range(int(labels.max()) + 1):
        members = [texts[i] for i in np.flatnonzero(labels == theme)]
        description = theme_description(members)
        source = next(t for t in members if t.strip().startswith(description))
        rest = source.strip()[len(description) :]
        # Either the whole note, or its first sentence: the rest starts a new one.
        assert (
            rest == ""
            or (description[-1] in ".!?…" and rest[:1].isspace())
            or (rest.startswith("\n"))
        ), (description, rest[:40])


def test_a_description_comes_from_a_central_note_that_speaks_of_the_theme() -> None:
    """Seen in a transcript's theme "Työpaikka ja puolisoiden työllistyminen": its most
    central note was the reply "Ehdottomasti, jos työasiat saa ratkaistua.", which says
    nothing of the theme on its own. A central note using one of the theme's keywords
    goes first; without one, the most central as before."""
    central = [
        "Ehdottomasti, jos työasiat saa ratkaistua.",
        "Puolison työpaikka ratkaisee usein, muuttaako perhe Kainuuseen.",
    ]
    lemmas = ["ehdottomasti työasia saada ratkaista", "puoliso työpaikka ratkaista perhe"]
    keywords = ["puoliso", "työpaikka", "perhe"]
    assert theme_description(central, central_lemmas=lemmas, keywords=keywords) == (
        "Puolison työpaikka ratkaisee usein, muuttaako perhe Kainuuseen."
    )
    assert theme_description(central, central_lemmas=lemmas, keywords=["kesätyö"]) == central[0]
    assert theme_description(central) == central[0]
    # A generic keyword ("tekeminen", generic_fi.txt) says nothing of the theme either:
    # "Tehdäänkö liian yleisellä tasolla?" described "Julkinen liikenne ja kunnat".
    question = ["Tehdäänkö liian yleisellä tasolla?", "Julkinen liikenne ei kulje iltaisin."]
    assert theme_description(
        question,
        central_lemmas=["tekeminen yleinen taso", "julkinen liikenne kulkea ilta"],
        keywords=["tekeminen", "liikenne", "julkinen"],
    ) == ("Julkinen liikenne ei kulje iltaisin.")


def test_a_description_is_not_a_line_of_redacted_personal_data() -> None:
    """Seen uploading a deck with a facilitator's contact line in every slide's notes: the
    theme "Asunto" was described by "Fasilitaattori: [NIMI], puh. [PUHELIN]". A sentence
    holding a placeholder of removed personal data goes after the others."""
    central = [
        "Fasilitaattori: [NIMI], puh. [PUHELIN] ja asunnot",
        "Edullinen asuminen ja tontit järven rannalla",
    ]
    lemmas = ["fasilitaattori puh asunto", "edullinen asuminen tontti järvi ranta"]
    assert theme_description(central, central_lemmas=lemmas, name_lemmas=["asunto"]) == (
        "Edullinen asuminen ja tontit järven rannalla"
    )
    assert theme_description(central[:1]) == central[0]  # nothing else to say


def test_a_description_says_the_names_words_in_its_own_sentence() -> None:
    """Seen in the sample project: "Alueen toimijoiden kyky" was described by "Yhdessä
    uudistumalla elinvoimaa!", the first sentence of a central note whose name words come
    only later. A note whose first sentence uses a word of the name goes first."""
    central = [
        "Yhdessä uudistumalla elinvoimaa! Alueet kehittivät toimijoiden kykyä uudistua.",
        "Koulutus vahvistaa alueen toimijoiden kykyä uudistaa osaamista.",
    ]
    lemmas = [
        "yhdessä uudistua elinvoima alue kehittää toimija kyky uudistua",
        "koulutus vahvistaa alue toimija kyky uudistaa osaaminen",
    ]
    name = ("alue", "toimija", "kyky")
    described = theme_description(central, central_lemmas=lemmas, name_lemmas=name)
    assert described == "Koulutus vahvistaa alueen toimijoiden kykyä uudistaa osaamista."


def test_a_description_speaks_of_what_the_themes_name_says() -> None:
    """Seen in the sample project: "Hyvinvointi ja kunnat" was described by "Haetaan kotoa,
    kampanjoidaan", central and using one of its keywords ("hakea"), where a note two
    places further says "Kolmannen sektorin aktiivinen osallistaminen hyvinvoinnin ja
    terveyden edistämistyöhön". A central note using a word of the name comes first, then
    one using a keyword, each the more central first."""
    central = [
        "Haetaan kotoa, kampanjoidaan",
        "Alustoja; toimitiloja, avustuksia, aktiivisuus palkitaan",
        "Kolmannen sektorin aktiivinen osallistaminen hyvinvoinnin ja terveyden edistämistyöhön",
    ]
    lemmas = [
        "hakea koti kampanjoida",
        "alusta toimitila avustus aktiivisuus palkita",
        "kolmas sektori aktiivinen osallistaminen hyvinvointi terveys edistämistyö",
    ]
    keywords = ["aktiivinen", "hyvinvointi", "avustus", "edistämistyö", "hakea"]
    name = ("hyvinvointi", "ja", "kunta")
    described = theme_description(
        central, central_lemmas=lemmas, keywords=keywords, name_lemmas=name
    )
    assert described == central[2]
    # Without the name, any keyword as before: the most central note using one.
    assert theme_description(central, central_lemmas=lemmas, keywords=keywords) == central[0]
    # "ja" is no word of the name's topic: a note with only "ja" does not count as naming it.
    joined = ["Sitä ja tätä kerrotaan meille usein.", *central]
    assert (
        theme_description(
            joined,
            central_lemmas=["se ja tämä kertoa me usein", *lemmas],
            keywords=keywords,
            name_lemmas=name,
        )
        == central[2]
    )


def test_why_here_lists_keywords_the_note_contains_and_the_next_theme() -> None:
    why = why_here(
        ["nuori", "kesätyöpaikka", "yritys"],
        ["kesätyöpaikka", "työ", "nuori", "kunta"],
        {3: 0.82, 5: 0.40, 7: 0.10},
        3,
    )
    assert why["keywords"] == ["kesätyöpaikka", "nuori"]  # keyword order, only contained ones
    assert (why["score"], why["next_theme"], why["next_score"]) == (0.82, 5, 0.40)
    assert why["margin"] == pytest.approx(0.42)
    unassigned = why_here(["nuori"], ["nuori"], {5: 0.3}, None)
    assert unassigned["keywords"] == [] and unassigned["next_theme"] == 5


def test_fit_scores_are_calibrated_not_saturated(sample_corpora: Sample) -> None:
    # Before: the cosine over the theme's median member cosine, clipped at 1, showed
    # half of every theme's notes as 1.00. Now a fit is the share of the theme's notes
    # less close to its centre: only its closest note shows 1.00, its median one 0.50.
    _, labels, _, model = sample_corpora
    assigned = np.flatnonzero(labels >= 0)
    own = model.scores_[assigned, labels[assigned]]
    k = int(labels.max()) + 1
    assert int(np.sum(np.round(own, 2) >= 1.0)) <= k
    for theme in range(k):
        fits = model.scores_[labels == theme, theme]
        assert np.median(fits) == pytest.approx(0.5, abs=0.1)
        assert fits.min() == pytest.approx(0.0) and fits.max() == pytest.approx(1.0)
    # New notes are scored the same way: a copy of a theme's notes fits exactly as well.
    _, again = model.assign(model.center_ + np.zeros((1, model.center_.shape[0])))
    assert again.shape == (1, k) and ((again >= 0) & (again <= 1)).all()


def test_fit_scores_interpolate_among_the_members() -> None:
    similarity = np.array([[0.1], [0.2], [0.3], [0.4], [0.5]])
    quantiles = similarity_quantiles(similarity, np.zeros(5, dtype=np.int64))
    fits = fit_scores(np.array([[0.05], [0.3], [0.45], [0.9]]), quantiles)
    assert fits[:, 0] == pytest.approx([0.0, 0.5, 0.875, 1.0])
