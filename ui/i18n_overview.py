"""Texts of the coordinator's overview pages (comparison in words, needs vs projects, actors,
report, codebook, documents), in Finnish and English; ``ui.i18n`` merges them into TEXTS.

Kept in a module of their own so the pages can grow without every branch editing one dict.
"""

from __future__ import annotations

OVERVIEW_TEXTS: dict[str, tuple[str, str]] = {
    # navigation
    "nav_needs": ("Tarpeet ja hankkeet", "Needs and projects"),
    "nav_actors": ("Toimijat", "Actors"),
    "nav_report": ("Raportti", "Report"),
    "nav_codebook": ("Koodikirja", "Codebook"),
    "nav_documents": ("Dokumentit", "Documents"),
    # comparison in words and the meaning of each statistic
    "sentences_title": ("Erot sanoin", "The differences in words"),
    "sentences_caption": (
        "Kunkin alueen teemat, joista se puhuu muita alueita enemmän tai vähemmän: alueen "
        "osuus vs muiden alueiden osuus. Selvä ero: z vähintään 1,96, alueella vähintään 30 "
        "muistiinpanoa ja teemassa vähintään 5, eivätkä 95 %:n luottamusvälit limity.",
        "Each region's themes it talks of more or less than the other regions: its share vs "
        "the other regions' share. Clear difference: z at least 1.96, at least 30 notes in "
        "the region and 5 in the theme, and the 95 % intervals do not overlap.",
    ),
    "sentences_caption_other": (
        "Kunkin ryhmän teemat, joista siinä puhutaan muita enemmän tai vähemmän: ryhmän "
        "osuus vs muiden osuus. Selvä ero: z vähintään 1,96, ryhmässä vähintään 30 "
        "muistiinpanoa ja teemassa vähintään 5, eivätkä 95 %:n luottamusvälit limity.",
        "Each group's themes it talks of more or less than the others: its share vs the "
        "others' share. Clear difference: z at least 1.96, at least 30 notes in the group "
        "and 5 in the theme, and the 95 % intervals do not overlap.",
    ),
    "sentence_clear": ("selvä", "clear"),
    "sentence_uncertain": ("epävarma", "uncertain"),
    "p_help": (
        "Todennäköisyys saada näin suuri χ² sattumalta, jos alueet puhuisivat samoista "
        "teemoista samassa suhteessa. Alle 0,05: erot tuskin ovat sattumaa.",
        "The chance of a χ² this large if the regions spoke of the themes in the same "
        "proportions. Below 0.05: the differences are unlikely to be chance.",
    ),
    "chi2_meaning": (
        "Khiin neliö: kuinka paljon alueiden teemajakaumat poikkeavat siitä, mitä samanlaisilta "
        "alueilta odottaisi (vapausasteet {dof}). Suurempi = suuremmat erot.",
        "Chi-square: how far the regions' theme mixes are from what alike regions would give "
        "({dof} degrees of freedom). Larger = larger differences.",
    ),
    "z_help": (
        "z: erottuvuus keskivirheinä; yli 1,96 tai alle −1,96 on tilastollisesti merkitsevä (5 %).",
        "z: distinctiveness in standard errors; above 1.96 or below −1.96 is significant (5 %).",
    ),
    "timeline_top_help": (
        "Suurimmat teemat kaikkien muistiinpanojen mukaan, myös päivämäärättömien.",
        "The largest themes over all notes, undated ones too.",
    ),
    "log_odds_help": (
        "Log-vetosuhde: kuinka paljon todennäköisemmin alue puhuu teemasta kuin muut "
        "(0 = yhtä usein, positiivinen = useammin).",
        "Log-odds: how much more likely the region speaks of the theme than the rest "
        "(0 = as often, positive = more often).",
    ),
    # needs vs projects
    "needs_title": ("Tarpeet ja hankkeet", "Needs and projects"),
    "needs_unreadable": (
        "Tarpeita ja hankkeita ei voitu hakea",
        "Could not read needs vs projects",
    ),
    "needs_caption": (
        "Kuinka paljon työpajat (lajit työpaja ja litterointi) nostavat kutakin teemaa esiin ja "
        "kuinka paljon "
        "hankekuvaukset (laji hankekuvaus) käsittelevät sitä: osuus kunkin lajin "
        "muistiinpanoista, 95 %:n luottamusväli suluissa.",
        "How much the workshops (kinds workshop and transcript) raise each theme and how much "
        "the project "
        "descriptions (kind project description) cover it: share of each kind's notes, 95 % "
        "interval in brackets.",
    ),
    "needs_whole_project": ("Koko projekti", "The whole project"),
    "needs_missing": (
        "Vertailuun tarvitaan sekä työpajojen (tai niiden litterointien) että hankekuvausten "
        "dokumentteja; tästä "
        "puuttuu: {kinds}. Lataa ne projektisivulla ja valitse laji, tai korjaa lajia "
        "Dokumentit-sivulla.",
        "The comparison needs documents of both kinds, workshops (or their transcripts) and "
        "project descriptions; "
        "here there are none of: {kinds}. Upload them on the projects page with their kind, "
        "or fix a document's kind on the Documents page.",
    ),
    "needs_workshop_notes": ("Työpajamuistiinpanoja", "Workshop notes"),
    "needs_project_notes": ("Hankemuistiinpanoja", "Project notes"),
    "needs_workshops": ("Työpajat", "Workshops"),
    "needs_projects": ("Hankekuvaukset", "Project descriptions"),
    "needs_gap_title": ("Aukot", "Gaps"),
    "needs_gap_help": (
        "Työpajat nostavat teeman esiin (vähintään 2 muistiinpanoa), mutta yksikään "
        "hankekuvaus ei käsittele sitä tai käsittelee selvästi vähemmän (z ≥ 1,96).",
        "The workshops raise the theme (at least 2 notes) but no project description covers "
        "it, or they cover it clearly less (z ≥ 1.96).",
    ),
    "needs_orphan_title": ("Orvot hankkeet", "Orphans"),
    "needs_orphan_help": (
        "Hankekuvaukset käsittelevät teemaa (vähintään 2 muistiinpanoa), mutta työpajat eivät "
        "nosta sitä esiin tai nostavat selvästi vähemmän (z ≤ −1,96).",
        "The project descriptions cover the theme (at least 2 notes) but the workshops do not "
        "raise it, or raise it clearly less (z ≤ −1.96).",
    ),
    "needs_none_found": ("Ei yhtään.", "None."),
    "needs_z_help": (
        "z: työpajojen ja hankekuvausten ero keskivirheinä (log-vetosuhde); positiivinen = "
        "työpajat puhuvat teemasta enemmän. Yli 1,96 tai alle −1,96 on merkitsevä.",
        "z: the difference of workshops and project descriptions in standard errors "
        "(log-odds); positive = workshops speak of it more. Beyond ±1.96 is significant.",
    ),
    "needs_status_help": (
        "? = epävarma: alle 30 muistiinpanoa jommassakummassa lajissa, alle 5 teemassa tai "
        "|z| alle 1,96.",
        "? = uncertain: fewer than 30 notes of one kind, fewer than 5 in the theme, or |z| "
        "below 1.96.",
    ),
    "needs_status_gap": ("aukko", "gap"),
    "needs_status_orphan": ("orpo", "orphan"),
    "needs_status_both": ("molemmissa", "both"),
    "needs_status_few": ("vähän", "few"),
    "needs_status_missing": ("–", "–"),
    # actors
    "actors_title": ("Toimijat", "Who is involved"),
    "actors_unreadable": ("Toimijoita ei voitu hakea", "Could not read the actors"),
    "actors_pending": (
        "{count} muistiinpanosta etsitään vielä nimiä…",
        "Looking for names in {count} notes…",
    ),
    "actors_job": ("Toimijoiden etsintä", "Finding actors"),
    "actors_failed": ("Toimijoiden etsintä epäonnistui: {error}", "Finding actors failed: {error}"),
    "actors_caption": (
        "Muistiinpanoissa mainitut organisaatiot ja paikat ({analysed}/{notes} muistiinpanoa "
        "luettu suomen kielen nimientunnistuksella). Taivutusmuodot on yhdistetty "
        "perusmuotoon (Sitran, Sitralla → Sitra). Henkilöitä ei näytetä.",
        "Organisations and places named in the notes ({analysed}/{notes} notes read by "
        "Finnish named-entity recognition). Inflected forms are joined under the base form "
        "(Sitran, Sitralla → Sitra). Persons are never shown.",
    ),
    "actors_none": ("Muistiinpanoista ei löytynyt toimijoita.", "No actors found in the notes."),
    "actors_col_name": ("Toimija", "Actor"),
    "actors_col_kind": ("Tyyppi", "Type"),
    "actors_col_themes": ("Teemat (muistiinpanoja)", "Themes (notes)"),
    "actors_col_regions": ("Alueet", "Regions"),
    "actors_col_documents": ("Dokumentit", "Documents"),
    "actors_col_forms": ("Muodot tekstissä", "Forms in the text"),
    "actors_forms_help": (
        "Miten nimi on kirjoitettu muistiinpanoissa.",
        "How the name is written in the notes.",
    ),
    "actors_kind_organisation": ("organisaatio", "organisation"),
    "actors_kind_place": ("paikka", "place"),
    "actors_top": ("Kaaviossa toimijoita", "Actors in the chart"),
    "actors_chart_title": ("Toimijat ja teemat", "Actors and themes"),
    "actors_chart_caption": (
        "Viiva yhdistää toimijan teemaan, jonka muistiinpanoissa se mainitaan; paksuus = "
        "muistiinpanojen määrä. Teemojen värit ovat samat kuin kartalla.",
        "A line joins an actor to a theme whose notes name it; thickness = number of notes. "
        "Themes have their map colours.",
    ),
    "actors_table_title": ("Kaikki toimijat ({count})", "All actors ({count})"),
    # report
    "report_title": ("Raportti", "Report"),
    "report_failed": ("Raporttia ei voitu tehdä", "Could not make the report"),
    "report_contents": (
        "Word-raportti luovutettavaksi: yhteenveto (dokumentit, muistiinpanot, alueet, "
        "päivämäärät), teemat kuvauksineen, kokoineen, alueosuuksineen ja poimintoineen, "
        "alueiden erot sanoin, lämpökartta ja teemakartta kuvina, tarpeet ja hankkeet, "
        "toimijat sekä menetelmäliite.",
        "A Word report to hand on: summary (documents, notes, regions, dates), the themes "
        "with description, size, share per region and quotes, the regional differences in "
        "words, heatmap and map as pictures, needs and projects, actors, and a method "
        "appendix.",
    ),
    "report_language": ("Raportin kieli", "Language of the report"),
    "report_hint": (
        "Raportti tehdään uusimmasta teema-ajosta (#{run}); lataus alkaa, kun raportti on "
        "valmis (suuressa projektissa noin minuutti).",
        "The report is made from the latest theme run (#{run}); the download starts when it "
        "is ready (about a minute for a large project).",
    ),
    "report_button": ("Lataa raportti (Word)", "Download the report (Word)"),
    # codebook
    "codebook_title": ("Koodikirja", "Codebook"),
    "codebook_unreadable": ("Koodikirjaa ei voitu hakea", "Could not read the codebook"),
    "codebook_not_saved": ("Koodikirjaa ei tallennettu", "Codebook not saved"),
    "codebook_status": (
        "Projektin koodikirjassa on {count} teemaa; ne ohjaavat seuraavaa teema-ajoa.",
        "The project's codebook has {count} themes; they seed the next theme run.",
    ),
    "codebook_none": (
        "Projektilla ei ole koodikirjaa. Aloita oletuskoodikirjasta tai kirjoita omat teemat.",
        "The project has no codebook. Start from the default codebook or write your own.",
    ),
    "codebook_start_default": ("Aloita oletuskoodikirjasta", "Start from the default codebook"),
    "codebook_clear": ("Tyhjennä koodikirja", "Clear the codebook"),
    "codebook_hint": (
        "Muokkaa soluja suoraan; lisää rivi taulukon alta, poista valitsemalla rivi ja "
        "roskakori. Tallenna lopuksi.",
        "Edit the cells; add a row below the table, delete by selecting a row and the bin. "
        "Save when done.",
    ),
    "codebook_col_name": ("Teema", "Theme"),
    "codebook_col_description": ("Kuvaus", "Description"),
    "codebook_col_examples": ("Esimerkit (; erottaa)", "Examples (; separates)"),
    "codebook_examples_help": (
        "Muutama tyypillinen lause, puolipisteellä erotettuina.",
        "A few typical sentences, separated by semicolons.",
    ),
    "codebook_save": ("Tallenna koodikirja", "Save the codebook"),
    "codebook_saved": (
        "Koodikirja tallennettu: {count} teemaa.",
        "Codebook saved: {count} themes.",
    ),
    "codebook_cleared": ("Koodikirja tyhjennetty.", "Codebook cleared."),
    "codebook_empty": (
        "Koodikirjassa ei ole yhtään teemaa; tyhjennä se mieluummin.",
        "The codebook has no themes; clear it instead.",
    ),
    "codebook_no_name": ("Riviltä {row} puuttuu teeman nimi.", "Row {row} has no theme name."),
    "codebook_duplicate": ("Teema {name} on kahdesti.", "The theme {name} appears twice."),
    # documents
    "documents_title": ("Dokumentit", "Documents"),
    "documents_unreadable": ("Dokumentteja ei voitu hakea", "Could not read the documents"),
    "documents_choose": ("Muokattava dokumentti", "Document to edit"),
    "documents_edit_title": ("{name}", "{name}"),
    "documents_edit_hint": (
        "Alue, laji, päivämäärä ja tilaisuus. Muutos näkyy heti vertailussa, kartalla ja "
        "raportissa; teemat säilyvät.",
        "Region, kind, date and event. A change shows at once in the comparison, the map and "
        "the report; the themes stay.",
    ),
    "documents_save": ("Tallenna muutokset", "Save the changes"),
    "documents_no_date": ("Ei päivämäärää", "No date"),
    "documents_saved": ("Dokumentin {name} tiedot tallennettu.", "Saved the details of {name}."),
    "documents_delete_title": ("Poista dokumentti", "Delete the document"),
    "documents_delete_warning": (
        "Dokumentti {name} ja sen {notes} muistiinpanoa poistetaan pysyvästi.",
        "The document {name} and its {notes} notes are deleted for good.",
    ),
    "documents_delete_confirm": ("Kyllä, poista", "Yes, delete it"),
    "documents_delete_button": ("Poista", "Delete"),
    "documents_deleted": ("Dokumentti {name} poistettu.", "Document {name} deleted."),
}
