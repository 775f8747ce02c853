"""The report's headings and fixed sentences in Finnish and English."""

from __future__ import annotations

from typing import Any

LANGUAGES = ("fi", "en")

TEXTS: dict[str, tuple[str, str]] = {
    "title": ("Teemakartta: {project}", "Theme map: {project}"),
    "made": ("Laadittu {date} Teemakartalla.", "Made on {date} with Teemakartta."),
    "summary": ("Yhteenveto", "Summary"),
    "summary_text": (
        "Projektissa on {documents} dokumenttia ja {notes} muistiinpanoa {regions} alueelta. "
        "Teema-ajo löysi {themes} teemaa; kohdistamatta jäi {unassigned} muistiinpanoista.",
        "The project holds {documents} documents and {notes} notes from {regions} regions. "
        "The theme run found {themes} themes; {unassigned} of the notes stayed unassigned.",
    ),
    "dates": ("Päivämäärät: {first} – {last}.", "Dates: {first} – {last}."),
    "undated_documents": (
        "{count} dokumentilla ei ole päivämäärää.",
        "{count} documents have no date.",
    ),
    "documents": ("Dokumentit", "Documents"),
    "regions": ("Alueet", "Regions"),
    "col_file": ("Tiedosto", "File"),
    "col_kind": ("Laji", "Kind"),
    "col_region": ("Alue", "Region"),
    "col_date": ("Päivämäärä", "Date"),
    "col_notes": ("Muistiinpanoja", "Notes"),
    "col_theme": ("Teema", "Theme"),
    "col_share": ("Osuus", "Share"),
    "col_size": ("Koko", "Size"),
    "col_actor": ("Toimija", "Actor"),
    "col_type": ("Tyyppi", "Type"),
    "col_themes": ("Teemat", "Themes"),
    "col_workshops": ("Työpajat", "Workshops"),
    "col_projects": ("Hankekuvaukset", "Project descriptions"),
    "col_status": ("Tila", "Status"),
    "kind_workshop": ("työpaja", "workshop"),
    "kind_project_description": ("hankekuvaus", "project description"),
    "kind_transcript": ("litterointi", "transcript"),
    "kind_other": ("muu", "other"),
    "actor_organisation": ("organisaatio", "organisation"),
    "actor_place": ("paikka", "place"),
    "themes": ("Teemat", "Themes"),
    "theme_heading": ("{name} ({size} muistiinpanoa, {share})", "{name} ({size} notes, {share})"),
    "description": ("Kuvaus", "Description"),
    "representative": (
        "Tyypillisin muistiinpano: {text}",
        "The most typical note: {text}",
    ),
    "keywords": ("Avainsanat: {words}", "Keywords: {words}"),
    "share_per_region": ("Osuus alueittain", "Share per region"),
    "quotes": ("Poimintoja muistiinpanoista", "Quotes from the notes"),
    "quote_under": ("(kohdan ”{parent}” alla)", "(under “{parent}”)"),
    "comparison": ("Alueiden vertailu", "Comparison of regions"),
    "comparison_stats": (
        "Khiin neliö {chi2} (vapausasteet {dof}), {p}, Cramérin V = {v}; {n} "
        "muistiinpanoa, kohdistamattomat jätetty pois.",
        "Chi-square {chi2} ({dof} degrees of freedom), {p}, Cramér's V = {v}; {n} notes, "
        "unassigned left out.",
    ),
    "comparison_none": (
        "Vertailuun tarvitaan vähintään kaksi aluetta.",
        "A comparison needs at least two regions.",
    ),
    "heatmap": ("Alueet × teemat", "Regions × themes"),
    "heatmap_caption": (
        "Solu: alueen muistiinpanoista teemaan kuuluva osuus.",
        "Cell: the share of the region's notes in the theme.",
    ),
    "map": ("Teemakartta", "Theme map"),
    "map_caption": (
        "Jokainen piste on muistiinpano; lähekkäiset puhuvat samasta. Harmaat ovat "
        "kohdistamattomia.",
        "Each dot is a note; nearby notes say similar things. Grey ones are unassigned.",
    ),
    "needs": ("Tarpeet ja hankkeet", "Needs and projects"),
    "needs_text": (
        "Työpajojen ja litterointien muistiinpanoja {need}, hankekuvausten muistiinpanoja "
        "{project}. Aukko: "
        "työpajat nostavat teeman esiin, mutta hankkeet eivät käsittele sitä (tai selvästi "
        "vähemmän). Orpo: hankkeet käsittelevät teemaa, jota työpajat eivät nosta esiin.",
        "Workshop and transcript notes {need}, project-description notes {project}. Gap: the "
        "workshops raise "
        "the theme, the projects do not cover it (or clearly less). Orphan: the projects "
        "cover a theme the workshops do not raise.",
    ),
    "needs_missing": (
        "Vertailuun tarvitaan sekä työpajojen (tai niiden litterointien) että hankekuvausten "
        "dokumentteja; projektista "
        "puuttuu: {kinds}.",
        "The comparison needs documents of both kinds, workshops (or their transcripts) and "
        "project descriptions; the project has none of: {kinds}.",
    ),
    "needs_no_findings": (
        "Aukkoja tai orpoja teemoja ei löytynyt.",
        "No gaps or orphan themes were found.",
    ),
    "status_gap": ("aukko", "gap"),
    "status_orphan": ("orpo", "orphan"),
    "status_both": ("molemmissa", "both"),
    "status_few": ("vähän", "few"),
    "status_missing": ("–", "–"),
    "actors": ("Toimijat", "Actors"),
    "actors_text": (
        "Muistiinpanoissa mainitut organisaatiot ja paikat (suomen kielen nimientunnistus, "
        "taivutusmuodot yhdistetty perusmuotoon). Henkilöitä ei näytetä.",
        "Organisations and places named in the notes (Finnish named-entity recognition, "
        "inflected forms joined under their base form). Persons are never shown.",
    ),
    "actors_none": ("Muistiinpanoista ei löytynyt toimijoita.", "No actors found in the notes."),
    "actors_unavailable": (
        "Toimijoita ei etsitty: palvelusta puuttuu spaCyn suomen kielen malli.",
        "Actors were not looked for: the service lacks spaCy's Finnish model.",
    ),
    "method": ("Liite: menetelmä", "Appendix: method"),
    "method_model": ("Upotusmalli: {model}", "Embedding model: {model}"),
    "method_run": (
        "Teema-ajo #{run} {date}; {notes} muistiinpanoa, kohdistamatta {unassigned}; "
        "sovitus {seconds} s.",
        "Theme run #{run} on {date}; {notes} notes, {unassigned} unassigned; fit {seconds} s.",
    ),
    "method_coarser": (
        "Projektissa pyydettiin karkeampia teemoja (tarkkuustaso {level}): lähimpiä teemoja "
        "yhdistettiin teemapuun mukaan, ihmisten muokkaamia ja koodikirjan teemoja ei.",
        "The project asked for coarser themes (detail level {level}): the closest themes were "
        "joined as in the theme tree, not those people edited or the codebook's.",
    ),
    "method_finer": (
        "Projektissa pyydettiin hienojakoisempia teemoja (tarkkuustaso {level}): "
        "hajanaisimpia teemoja jaettiin, ihmisten muokkaamia ja koodikirjan teemoja ei.",
        "The project asked for finer themes (detail level {level}): the widest themes were "
        "split, not those people edited or the codebook's.",
    ),
    "method_sample": (
        "Teemat sovitettiin {fitted} muistiinpanon otokseen; muut {rest} liitettiin "
        "lähimpään teemaan.",
        "The themes were fitted on a sample of {fitted} notes; the other {rest} joined their "
        "nearest theme.",
    ),
    "method_settings": (
        "Ajon asetukset toistamista varten: {settings}",
        "The run's settings, to repeat it: {settings}",
    ),
    "method_filters": ("Rajaukset: {filters}", "Filters: {filters}"),
    "method_none": ("ei rajauksia", "none"),
    "method_themes": (
        "Teemat löydetään lausevektoreista (monikielinen e5-malli) UMAP-tiivistyksellä ja "
        "HDBSCAN-ryhmittelyllä. Teeman nimi on sen omista muistiinpanoista poimittu "
        "substantiivilauseke perusmuodossa, avainsanat tulevat suomen perusmuodoista "
        "(c-TF-IDF) ja kuvaus on keskeisen muistiinpanon ensimmäinen virke.",
        "Themes are found in sentence vectors (multilingual e5) with UMAP and HDBSCAN. A "
        "theme's name is a Finnish noun phrase from its own notes in base form, its keywords "
        "come from Finnish lemmas (c-TF-IDF), and its description is the first sentence of a "
        "central note.",
    ),
    "method_choice": (
        "Teemojen määrä luettiin aineistosta, ei kaavasta: {count} rakeisuutta (pienin ryhmä "
        "{low}–{high} muistiinpanoa, HDBSCANin lehdet tai tiheysmassa) sovitettiin "
        "{runs} UMAP-tiivistykseen ({dims} ulottuvuutta), ja valittiin se, jonka teemat "
        "erottuvat toisistaan parhaiten ja toistuvat samanlaisina tiivistyksestä toiseen "
        "(erottuvuus × toistettavuus{power}; {tie} %:n sisällä hienojakoisempi). "
        "Ryhmittelyn ulkopuolelle jääneet muistiinpanot liitettiin lähimpään teemaan; "
        "kohdistamatta jäivät vain selvästi poikkeavat muistiinpanot.",
        "The number of themes was read from the data, not from a formula: {count} "
        "granularities (smallest group {low}–{high} notes, HDBSCAN leaves or excess of mass) "
        "were fitted on {runs} UMAP layouts ({dims} dimensions), and the one whose themes are "
        "most distinct from each other and most alike from layout to layout was chosen "
        "(distinctness × reproducibility{power}; within {tie} % the finer one). Notes left "
        "outside the clusters joined the nearest theme; only clear outliers stayed "
        "unassigned.",
    ),
    "method_stats": (
        "Osuuksien 95 %:n luottamusvälit ovat Wilsonin välejä. Alueen erottuvuus on "
        "painotettu log-vetosuhde informatiivisella Dirichlet-priorilla (z-arvo); ero on "
        "selvä, kun |z| ≥ 1,96, alueella on vähintään 30 muistiinpanoa ja teemassa 5, eivätkä "
        "luottamusvälit limity. Riippumattomuus testataan khiin neliöllä (Cramérin V).",
        "Shares have 95 % Wilson intervals. A region's distinctiveness is the weighted "
        "log-odds with an informative Dirichlet prior (z); a difference is clear when "
        "|z| ≥ 1.96, the region has at least 30 notes and the theme 5, and the intervals do "
        "not overlap. Independence is tested with chi-square (Cramér's V).",
    ),
    "unassigned": ("kohdistamaton", "unassigned"),
}


def text(key: str, lang: str, **values: Any) -> str:
    finnish, english = TEXTS[key]
    template = finnish if lang == "fi" else english
    return template.format(**values) if values else template
