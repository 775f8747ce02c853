"""The UI's words in Finnish (the default) and English.

``t(key, **values)`` looks a text up in the language chosen in the sidebar and fills in
``{placeholders}``. Every key has both languages; a test checks that and that both use
the same placeholders.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

LANGUAGES = {"fi": "Suomi", "en": "English"}
DEFAULT_LANGUAGE = "fi"

TEXTS: dict[str, tuple[str, str]] = {
    # personal data (projects page)
    "privacy_title": ("Henkilötiedot", "Personal data"),
    "privacy_policy_redact": ("poistetaan ennen tallennusta", "removed before storing"),
    "privacy_policy_keep": ("säilytetään sellaisenaan", "kept as uploaded"),
    "privacy_summary": (
        "Käytäntö: henkilötiedot {policy}. Löydöksiä {findings}, joista {pending} odottaa "
        "tarkistusta.",
        "Policy: personal data {policy}. {findings} findings, {pending} waiting for review.",
    ),
    "privacy_policy_label": ("Käytäntö uusille latauksille", "Policy for new uploads"),
    "privacy_policy_help": (
        "Vain projektin ylläpitäjä voi valita säilyttämisen; muutos kirjataan lokiin. "
        "Jo tallennetut asiakirjat pysyvät ennallaan.",
        "Only a project admin may choose to keep; the change is audited. "
        "Documents stored already stay as they are.",
    ),
    "privacy_save": ("Tallenna käytäntö", "Save policy"),
    "privacy_saved": ("Käytäntö tallennettu.", "Policy saved."),
    "privacy_review_title": ("Tarkistettavat löydökset", "Findings to review"),
    "privacy_review_help": (
        "Epävarmat löydökset on jo poistettu tekstistä (paikalla näkyy tyyppi). Vahvista ne "
        "tai hylkää virheellisinä; alkuperäistä arvoa ei ole tallennettu.",
        "Doubtful findings are already removed from the text (their kind stands in their "
        "place). Confirm them or dismiss them as wrong; the original value was never stored.",
    ),
    "privacy_nothing_to_review": ("Ei tarkistettavaa.", "Nothing to review."),
    "privacy_col_kind": ("Tyyppi", "Kind"),
    "privacy_col_score": ("Varmuus", "Confidence"),
    "privacy_col_context": ("Kohta tekstissä", "In the text"),
    "privacy_choose": ("Löydös", "Finding"),
    "privacy_confirm": ("Vahvista henkilötiedoksi", "Confirm as personal data"),
    "privacy_dismiss": ("Hylkää (ei henkilötieto)", "Dismiss (not personal data)"),
    "privacy_reviewed": ("Löydös {id}: {review}.", "Finding {id}: {review}."),
    "privacy_speakers": ("Puhujien nimet (vain ylläpitäjille)", "Speaker names (admins only)"),
    "privacy_no_speakers": ("Ei puhujia.", "No speakers."),
    "privacy_show_speakers": ("Näytä nimet (kirjataan lokiin)", "Show the names (audited)"),
    # navigation and sidebar
    "nav_projects": ("Projektit ja lataus", "Projects and upload"),
    "nav_map": ("Teemakartta", "Theme map"),
    "nav_themes": ("Teemat", "Themes"),
    "nav_theme": ("Teema", "Theme"),
    "nav_compare": ("Alueiden vertailu", "Compare regions"),
    "nav_export": ("Vienti", "Export"),
    "project": ("Projekti", "Project"),
    "api_token": ("API-tunnus", "API token"),
    "api_token_help": (
        "Ylläpitäjältä saatu API-tunnus (tk_…). Muokkaukset kirjataan sen käyttäjän nimiin.",
        "Your API token from an administrator (tk_…). Edits are recorded under its user.",
    ),
    "sign_in_how": (
        "Et ole kirjautunut. Avaa kirjautumislinkki, jonka `make run` tai "
        "`teemakartta serve --ui` tulosti (uuden saa komennolla `teemakartta sign-in-link`), "
        "tai anna API-tunnuksesi sivupalkissa.",
        "You are not signed in. Open the sign-in link that `make run` or "
        "`teemakartta serve --ui` printed (`teemakartta sign-in-link` prints a new one), "
        "or enter your API token in the sidebar.",
    ),
    "token_wrong": (
        "Tunnus ei kelpaa. Tarkista se tai pyydä ylläpitäjältä uusi.",
        "That token is not valid. Check it or ask an administrator for a new one.",
    ),
    "token_expired": (
        "Tunnuksesi on vanhentunut. Pyydä ylläpitäjää jatkamaan sitä.",
        "Your token has expired. Ask an administrator to extend it.",
    ),
    "session_ended": (
        "Istuntosi on päättynyt. Kirjaudu uudelleen.",
        "Your session has ended. Sign in again.",
    ),
    "link_refused": (
        "Kirjautumislinkki ei kelpaa: se on jo käytetty tai vanhentunut. Uuden saa "
        "komennolla `teemakartta sign-in-link`.",
        "This sign-in link is not valid: it was used already or it expired. "
        "`teemakartta sign-in-link` prints a new one.",
    ),
    "sign_in_throttled": (
        "Liian monta epäonnistunutta kirjautumista. Yritä hetken kuluttua uudelleen.",
        "Too many failed sign-ins. Try again in a moment.",
    ),
    "signed_out": ("Olet kirjautunut ulos.", "You have signed out."),
    "sign_out": ("Kirjaudu ulos", "Sign out"),
    "signed_in_as": ("Kirjautunut: {name} ({role})", "Signed in: {name} ({role})"),
    "administrator": ("ylläpitäjä", "administrator"),
    "member": ("jäsen", "member"),
    "api_address": ("Palvelu: {url}", "Service: {url}"),
    "no_projects_yet": (
        "Ei vielä projekteja — luo ensimmäinen alla.",
        "No projects yet — create the first one below.",
    ),
    "choose_project_first": (
        "Valitse tai luo ensin projekti.",
        "Choose or create a project first.",
    ),
    "go_run_themes": ("Aja teemat projektisivulla", "Run themes on the projects page"),
    "no_run_yet": (
        "Tässä projektissa ei ole vielä teema-ajoa. Lataa dokumentit ja aja teemat.",
        "This project has no theme run yet. Upload documents and run themes.",
    ),
    # errors
    "error_unreachable": (
        "Palveluun {url} ei saada yhteyttä. Onko se käynnissä?",
        "Cannot reach the service at {url}. Is it running?",
    ),
    "error_timeout": (
        "Palvelu ei vastannut ajoissa. Yritä hetken päästä uudelleen.",
        "The service did not answer in time. Try again in a moment.",
    ),
    "error_missing_endpoint": (
        "Palvelusta puuttuu tämä toiminto ({what}).",
        "The service does not offer this yet ({what}).",
    ),
    "error_sign_in": (
        "Kirjautumisesi ei ole enää voimassa. Kirjaudu uudelleen.",
        "You are no longer signed in. Sign in again.",
    ),
    "error_forbidden": (
        "Roolisi ei salli tätä ({detail})",
        "Your role does not allow this ({detail})",
    ),
    "error_server": ("Palvelussa tapahtui virhe: {detail}", "The service failed: {detail}"),
    "projects_unreadable": ("Projekteja ei voitu hakea", "Could not read the projects"),
    "project_not_created": ("Projektia ei luotu", "Project not created"),
    "upload_rejected": ("Palvelu ei hyväksynyt tiedostoa", "The service did not accept the file"),
    "job_unreadable": ("Työn tilaa ei voitu lukea", "Could not read the job"),
    "run_not_started": ("Teema-ajoa ei käynnistetty", "Theme run not started"),
    "map_unreadable": ("Karttaa ei voitu hakea", "Could not read the map"),
    "themes_unreadable": ("Teemoja ei voitu hakea", "Could not read the themes"),
    "theme_unreadable": ("Teemaa ei voitu hakea", "Could not read the theme"),
    "edit_failed": ("Muutosta ei tallennettu", "Edit not saved"),
    "compare_unreadable": ("Vertailua ei voitu hakea", "Could not read the comparison"),
    "export_failed": ("Vientiä ei voitu tehdä", "Export failed"),
    # projects and upload
    "projects_title": ("Projektit ja lataus", "Projects and upload"),
    "create_project": ("Luo uusi projekti", "Create a project"),
    "project_name": ("Projektin nimi", "Project name"),
    "project_name_help": (
        "Pienet kirjaimet, numerot, - ja _, esim. pohjois-savo-2017.",
        "Lowercase letters, digits, - and _, e.g. pohjois-savo-2017.",
    ),
    "project_name_invalid": (
        "Nimessä saa olla 1–63 pientä kirjainta, numeroa, '-' tai '_', ja sen pitää alkaa "
        "kirjaimella tai numerolla (esim. pohjois-savo-2017).",
        "A name is 1–63 lowercase letters, digits, '-' or '_', starting with a letter or "
        "digit (e.g. pohjois-savo-2017).",
    ),
    "project_description": ("Kuvaus (vapaaehtoinen)", "Description (optional)"),
    "create": ("Luo projekti", "Create project"),
    "project_created": ("Projekti {name} luotiin.", "Project {name} created."),
    "documents_of": ("Projektin {project} dokumentit", "Documents of {project}"),
    "no_documents": ("Ei vielä dokumentteja.", "No documents yet."),
    "upload_title": ("Lataa dokumentteja", "Upload documents"),
    "upload_files": ("Tiedostot (voit valita monta kerralla)", "Files (choose several at once)"),
    "upload_files_help": (
        "txt, md, docx, pdf, pptx, csv, xlsx tai litterointi (vtt, srt).",
        "txt, md, docx, pdf, pptx, csv, xlsx or a transcript (vtt, srt).",
    ),
    "facilitator": ("Fasilitaattori (litteroinnit)", "Facilitator (transcripts)"),
    "facilitator_help": (
        "Puhujan nimi litteroinnissa, pilkuin erotettuna useampi. Tyhjä: eniten kysyvä puhuja.",
        "The speaker's name in the transcript, several comma-separated. Empty: who asks most.",
    ),
    "field_columns": ("Kenttäsarakkeet (csv/xlsx)", "Field columns (csv/xlsx)"),
    "field_columns_help": (
        "Esim. group=Pöytä, question=Aihe, speaker=Nimi. Tyhjä: sarakkeiden nimistä "
        "(ryhmä, kysymys, puhuja).",
        "E.g. group=Table, question=Topic, speaker=Name. Empty: from the column names "
        "(group, question, speaker).",
    ),
    "text_column": ("Tekstisarake (csv/xlsx)", "Text column (csv/xlsx)"),
    "text_column_help": (
        "Sarake, jossa muistiinpanojen teksti on. Tyhjä: arvataan.",
        "Column holding the notes' text. Empty: guessed.",
    ),
    "run_after_upload": ("Aja teemat latauksen jälkeen", "Run themes after the upload"),
    "upload_button": ("Lataa", "Upload"),
    "upload_no_files": ("Valitse ainakin yksi tiedosto.", "Choose at least one file."),
    "choose_files": ("Valitse tiedostot", "Choose files"),
    "upload_accepts": (
        "Sallitut tiedostotyypit: {types}; enintään {limit} MB tiedostoa kohden. Vedä "
        "tiedostot tähän tai valitse ne painikkeesta.",
        "Accepted file types: {types}; at most {limit} MB per file. Drag files here or "
        "choose them with the button.",
    ),
    "upload_refused": (
        "Näitä tiedostoja ei voi ladata, joten mitään ei lähetetty:",
        "These files cannot be uploaded, so nothing was sent:",
    ),
    "upload_bad_type": (
        "{file}: tiedostotyyppiä {type} ei tueta (sallitut: {types})",
        "{file}: files of type {type} are not supported (accepted: {types})",
    ),
    "upload_no_extension": ("(ei päätettä)", "(no extension)"),
    "upload_too_large": (
        "{file}: {size} MB on yli rajan {limit} MB; jaa tiedosto osiin",
        "{file}: {size} MB is over the limit of {limit} MB; split the file",
    ),
    "upload_done": (
        "Ladattu: {files}. Valitse uudet tiedostot seuraavaa latausta varten.",
        "Uploaded: {files}. Choose new files for the next upload.",
    ),
    "run_first_hint": (
        "Projektissa on muistiinpanoja mutta ei vielä teemoja.",
        "The project has notes but no themes yet.",
    ),
    "upload_no_region": ("Kerro alue, esim. Pohjois-Savo.", "Give a region, e.g. Pohjois-Savo."),
    "uploading": ("Lähetetään {count} tiedosto(a)…", "Sending {count} file(s)…"),
    "upload_duplicates": (
        "Nämä tiedostot olivat jo projektissa, eikä niitä lisätty uudelleen: {files}",
        "These files were already in the project and were not added again: {files}",
    ),
    "upload_nothing_new": (
        "Mitään uutta ei lisätty, joten teemoja ei ajettu uudelleen.",
        "Nothing new was added, so the themes were not run again.",
    ),
    "file_queued": ("jonossa", "queued"),
    "file_processed": ("käsitelty", "processed"),
    "file_duplicate": ("jo ladattu", "already uploaded"),
    "job_ingest": ("Dokumenttien käsittely", "Processing documents"),
    "job_themes": ("Teemojen etsintä", "Finding themes"),
    "job_state_queued": ("jonossa", "queued"),
    "job_state_running": ("käynnissä", "running"),
    "job_state_succeeded": ("valmis", "done"),
    "job_state_failed": ("epäonnistui", "failed"),
    # Stages the service reports in a job's message (English), shown in the UI language.
    "job_stage_finding personal data": ("etsitään henkilötietoja", "finding personal data"),
    "job_stage_lemmatizing": ("lemmatisoidaan", "lemmatizing"),
    "job_stage_embedding": ("upotetaan", "embedding"),
    "job_stage_embedding on other workers": (
        "upotetaan muilla työprosesseilla",
        "embedding on other workers",
    ),
    "job_stage_storing": ("tallennetaan", "storing"),
    "job_stage_loading embeddings": ("haetaan upotukset", "loading embeddings"),
    "job_stage_finding themes": ("etsitään teemoja", "finding themes"),
    "job_stage_assigning the other notes": (
        "liitetään muut muistiinpanot teemoihin",
        "assigning the other notes",
    ),
    "job_stage_naming themes": ("nimetään teemoja", "naming themes"),
    "job_stage_done": ("valmis", "done"),
    "job_cancel": ("Peruuta", "Cancel"),
    "job_eta": ("noin {minutes} min jäljellä", "about {minutes} min left"),
    "job_eta_under_minute": ("alle minuutti jäljellä", "under a minute left"),
    "job_cancelled": (
        "Työ peruttu. Sen ehtimät valmiit osat jäävät (esim. jo käsitellyt dokumentit).",
        "Job cancelled. What it finished before stays (for example documents processed).",
    ),
    "job_cancel_refused": (
        "Työtä ei voitu perua: {error}",
        "The job could not be cancelled: {error}",
    ),
    "job_still_running": (
        "Työ {job} on yhä käynnissä; palaa sivulle myöhemmin.",
        "Job {job} is still running; come back later.",
    ),
    "ingest_done": ("Dokumentit käsitelty.", "Documents processed."),
    "ingest_failed": ("Käsittely epäonnistui: {error}", "Processing failed: {error}"),
    "themes_done": ("Teemat valmiina.", "Themes ready."),
    "themes_failed": ("Teemojen etsintä epäonnistui: {error}", "Finding themes failed: {error}"),
    "themes_summary": (
        "{themes} teemaa {notes} muistiinpanosta; kohdistamatta {unassigned} %.",
        "{themes} themes from {notes} notes; {unassigned} % unassigned.",
    ),
    "run_changes": ("Muutokset edelliseen ajoon", "Changes since the previous run"),
    "open_map": ("Avaa teemakartta", "Open the theme map"),
    "run_title": (
        "Aja teemat uudelleen (valinnaiset rajaukset)",
        "Run themes again (optional filters)",
    ),
    "run_button": ("Aja teemat", "Run themes"),
    "use_codebook": (
        "Käytä projektin koodikirjaa teemojen siemeninä",
        "Use the project's codebook to seed themes",
    ),
    "runs_title": ("Teema-ajot", "Theme runs"),
    # drafts, change reports and the detail level (ui/run_report.py)
    "draft_waiting": (
        "Teema-ajo #{run} muuttaisi teemoja, joita on muokattu. Teemat pysyvät ennallaan, "
        "kunnes muutokset otetaan käyttöön.",
        "Theme run #{run} would change themes people edited. The themes stay as they are "
        "until the changes are applied.",
    ),
    "draft_preview": (
        "Teema-ajo #{run} on esikatselu. Teemat pysyvät ennallaan, kunnes se otetaan käyttöön.",
        "Theme run #{run} is a preview. The themes stay as they are until it is applied.",
    ),
    "apply_run": ("Ota muutokset käyttöön", "Apply the changes"),
    "keep_current": ("Pidä nykyiset teemat", "Keep the current themes"),
    "run_applied": ("Teema-ajo #{run} otettiin käyttöön.", "Theme run #{run} was applied."),
    "run_discarded": (
        "Nykyiset teemat pidettiin; teema-ajo #{run} hylättiin.",
        "The current themes were kept; theme run #{run} was discarded.",
    ),
    "run_not_applied": ("Muutoksia ei otettu käyttöön", "The changes were not applied"),
    "run_status_applied": ("käytössä", "applied"),
    "run_status_draft": ("odottaa", "waiting"),
    "run_status_earlier": ("aiempi", "earlier"),
    "col_detail": ("Tarkkuus", "Detail"),
    "detail_title": ("Teemojen tarkkuus", "Detail of the themes"),
    "detail_help": (
        "Karkeampi yhdistää lähimmät teemat teemapuun mukaan, tarkempi jakaa laajimmat "
        "teemat. Muokatut teemat pysyvät ennallaan, ja taso säilyy seuraavissa ajoissa.",
        "Coarser joins the closest themes along the theme tree, finer splits the widest "
        "themes. Edited themes stay as they are, and the level stays for later runs.",
    ),
    "detail_level_-3": ("karkein", "coarsest"),
    "detail_level_-2": ("karkeampi", "coarser"),
    "detail_level_-1": ("hieman karkeampi", "a little coarser"),
    "detail_level_0": ("mallin valinta", "the model's choice"),
    "detail_level_1": ("hieman tarkempi", "a little finer"),
    "detail_level_2": ("tarkempi", "finer"),
    "detail_level_3": ("tarkin", "finest"),
    "detail_button": ("Muuta tarkkuutta", "Change the detail"),
    "detail_not_changed": ("Tarkkuutta ei muutettu", "The detail was not changed"),
    "detail_done": (
        "Tarkkuus: {level}. Teemoja nyt {themes}.",
        "Detail: {level}. {themes} themes now.",
    ),
    "date_from": ("Alkaen", "From"),
    "date_to": ("Asti", "To"),
    "all": ("Kaikki", "All"),
    "kind_workshop": ("työpaja", "workshop"),
    "kind_project_description": ("hankekuvaus", "project description"),
    "kind_transcript": ("litterointi", "transcript"),
    "kind_other": ("muu", "other"),
    "compare_by": ("Vertaa", "Compare by"),
    "by_region": ("Alue", "Region"),
    "by_kind": ("Dokumentin laji", "Kind of document"),
    "by_event": ("Tilaisuus", "Event"),
    "by_document": ("Dokumentti", "Document"),
    "by_group": ("Ryhmä", "Group"),
    "by_question": ("Kysymys", "Question"),
    "by_speaker_role": ("Puhujan rooli", "Speaker role"),
    "role_facilitator": ("fasilitaattori", "facilitator"),
    "role_participant": ("osallistuja", "participant"),
    "group_missing": ("(ei tiedossa)", "(none)"),
    # common columns
    "col_file": ("Tiedosto", "File"),
    "col_region": ("Alue", "Region"),
    "col_kind": ("Laji", "Kind"),
    "col_date": ("Päivämäärä", "Date"),
    "col_event": ("Tilaisuus", "Event"),
    "col_notes": ("Muistiinpanoja", "Notes"),
    "col_status": ("Tila", "Status"),
    "col_created": ("Luotu", "Created"),
    "col_unassigned": ("Kohdistamatta", "Unassigned"),
    "col_document": ("Dokumentti", "Document"),
    "col_group": ("Ryhmä", "Group"),
    "col_text": ("Teksti", "Text"),
    "col_theme": ("Teema", "Theme"),
    "col_size": ("Koko", "Size"),
    "col_share": ("Osuus", "Share"),
    "col_keywords": ("Avainsanat", "Keywords"),
    "col_example": ("Esimerkki {n}", "Example {n}"),
    "col_score": ("Sopivuus", "Score"),
    "col_score_help": (
        "Osuus teeman muistiinpanoista, jotka ovat kauempana teeman keskipisteestä: "
        "0,50 on teemalle tyypillinen muistiinpano, 1,00 sen keskeisin.",
        "Share of the theme's notes farther from its centre: 0.50 is a typical note of "
        "the theme, 1.00 its most central one.",
    ),
    "col_description": ("Kuvaus", "Description"),
    "col_why": ("Miksi tässä", "Why here"),
    "col_why_help": (
        "Teeman avainsanat, jotka muistiinpanossa on.",
        "The theme's keywords the note contains.",
    ),
    "col_next_theme": ("Seuraavaksi lähin teema", "Next closest theme"),
    "col_source": ("Lähde", "Source"),
    "source_model": ("malli", "model"),
    "source_human": ("ihminen", "person"),
    "unassigned": ("Kohdistamaton", "Unassigned"),
    "download_csv": ("Lataa tiedot (CSV)", "Download data (CSV)"),
    "loading": ("Haetaan…", "Loading…"),
    "saving": ("Tallennetaan…", "Saving…"),
    # map
    "map_title": ("Teemakartta", "Theme map"),
    "loading_map": ("Haetaan karttaa…", "Loading the map…"),
    "search": ("Hae tekstistä", "Search the text"),
    "search_placeholder": ("esim. osaaminen", "e.g. osaaminen"),
    "search_hits": ("Hakuosumat", "Search hits"),
    "date_range": ("Aikaväli", "Date range"),
    "themes": ("Teemat", "Themes"),
    "map_caption": (
        "Näkyvissä {shown}/{total} muistiinpanoa, {themes} teemaa",
        "Showing {shown}/{total} notes, {themes} themes",
    ),
    "map_matches": ("{count} osumaa", "{count} hits"),
    "map_hint": (
        "Napsauta teemaa (◆) tai muistiinpanoa, tai valitse työkaluriviltä lasso ja "
        "rajaa muistiinpanoja. Vieritys lähentää.",
        "Click a theme (◆) or a note, or pick the lasso in the toolbar and draw "
        "around notes. Scroll to zoom.",
    ),
    "pick_theme": ("Tai valitse teema listasta", "Or pick a theme from the list"),
    "pick_theme_none": ("—", "—"),
    "theme_notes_title": ("{name}: {count} muistiinpanoa", "{name}: {count} notes"),
    "selected_notes_title": ("Valitut muistiinpanot: {count}", "Selected notes: {count}"),
    "open_theme_page": ("Avaa teeman sivu", "Open the theme's page"),
    "move_to": ("Siirrä teemaan", "Move to theme"),
    "choose_theme": ("Valitse teema", "Choose a theme"),
    "choose_themes": ("Valitse teemat", "Choose themes"),
    "choose_notes": ("Valitse muistiinpanot", "Choose notes"),
    "choose_theme_first": (
        "Valitse ensin teema, johon muistiinpanot siirretään.",
        "Choose the theme to move the notes to first.",
    ),
    "move_button": ("Siirrä {count} muistiinpanoa", "Move {count} notes"),
    "moved": ("{count} muistiinpanoa siirretty.", "{count} notes moved."),
    # themes
    "themes_title": ("Teemat", "Themes"),
    "run_caption": (
        "Ajo #{run} ({created}): {notes} muistiinpanoa, {themes} teemaa, {unassigned} "
        "kohdistamatonta.",
        "Run #{run} ({created}): {notes} notes, {themes} themes, {unassigned} unassigned.",
    ),
    "no_themes": ("Ajossa ei ole teemoja.", "The run has no themes."),
    "table_hint": (
        "Valitse rivejä taulukon vasemmasta reunasta avataksesi tai yhdistääksesi teemoja.",
        "Select rows at the table's left edge to open or merge themes.",
    ),
    "open_theme_page_of": ("Avaa teema: {name}", "Open theme: {name}"),
    "merge_title": ("Yhdistä teemoja", "Merge themes"),
    "merge_which": (
        "Yhdistettävät teemat (ensimmäinen säilyy)",
        "Themes to merge (the first one stays)",
    ),
    "merge_name": ("Uusi nimi (vapaaehtoinen)", "New name (optional)"),
    "merge_name_help": (
        "Tyhjä: ensimmäisen teeman nimi säilyy.",
        "Empty: the first theme's name stays.",
    ),
    "merge_button": ("Yhdistä", "Merge"),
    "merge_needs_two": ("Valitse ainakin kaksi teemaa.", "Choose at least two themes."),
    "merged": ("{count} teemaa yhdistetty: {name}.", "{count} themes merged: {name}."),
    "tree_title": ("Teemapuu", "Theme tree"),
    "tree_empty": ("Teemapuuta ei ole.", "There is no theme tree."),
    "tree_hint": (
        "Napsauta ryhmää tarkentaaksesi, yläpalkkia palataksesi. Pinta-ala = "
        "muistiinpanojen määrä.",
        "Click a group to zoom in, the bar above to go back. Area = number of notes.",
    ),
    # one theme
    "theme_title": ("Teema", "Theme"),
    "tree_place": ("Paikka teemapuussa", "Place in the theme tree"),
    "seeded_from": ("Koodikirjan teema: {seed}", "Codebook theme: {seed}"),
    "name_edited": ("Nimen on antanut ihminen.", "Named by a person."),
    "keyword_weight": ("Painoarvo", "Weight"),
    "theme_notes": ("Muistiinpanot ({count})", "Notes ({count})"),
    "why_here": (
        "Teeman avainsanoista muistiinpanossa: {words}. Sopivuus tähän teemaan {score}, "
        "seuraavaksi lähimpään ({next}) {next_score}.",
        "The theme's keywords in the note: {words}. Fit to this theme {score}, to the next "
        "closest ({next}) {next_score}.",
    ),
    "why_no_keywords": ("ei yhtään", "none"),
    "note_scores_title": (
        "Valitun muistiinpanon läheisimmät teemat",
        "The selected note's closest themes",
    ),
    "edit_title": ("Muokkaa", "Edit"),
    "rename_tab": ("Nimeä", "Rename"),
    "move_tab": ("Siirrä muistiinpanoja", "Move notes"),
    "merge_tab": ("Yhdistä", "Merge"),
    "split_tab": ("Jaa", "Split"),
    "new_name": ("Uusi nimi", "New name"),
    "rename_button": ("Tallenna nimi", "Save the name"),
    "renamed": ("Teema nimettiin: {name}.", "Theme renamed: {name}."),
    "notes_to_move": ("Muistiinpanot", "Notes"),
    "notes_to_move_help": ("Valitse taulukosta tai tästä.", "Select in the table or here."),
    "unassign_button": ("Merkitse {count} kohdistamattomaksi", "Mark {count} unassigned"),
    "unassigned_done": (
        "{count} muistiinpanoa merkitty kohdistamattomiksi.",
        "{count} notes marked unassigned.",
    ),
    "merge_with": ("Yhdistä tähän teemaan", "Merge into this theme"),
    "split_parts": ("Osia", "Parts"),
    "split_button": ("Jaa teema", "Split the theme"),
    "split_done": ("Teema jaettiin {parts} osaan.", "Theme split into {parts} parts."),
    "split_too_small": (
        "Teemassa on liian vähän muistiinpanoja jaettavaksi.",
        "The theme has too few notes to split.",
    ),
    # compare
    "compare_title": ("Alueiden vertailu", "Compare regions"),
    "heatmap_title": ("Alueet × teemat", "Regions × themes"),
    "heatmap_caption": (
        "Solu: kuinka suuri osa alueen muistiinpanoista kuuluu teemaan.",
        "Cell: the share of the region's notes in the theme.",
    ),
    "heatmap_title_other": ("{by} × teemat", "{by} × themes"),
    "heatmap_caption_other": (
        "Solu: kuinka suuri osa ryhmän muistiinpanoista kuuluu teemaan.",
        "Cell: the share of the group's notes in the theme.",
    ),
    "no_comparison_data": ("Vertailtavaa ei ole.", "Nothing to compare."),
    "small_region": (
        "Alueella ”{region}” on vain {count} muistiinpanoa (alle {limit}); sen "
        "osuudet ovat epävarmoja.",
        "{region} has only {count} notes (under {limit}); its shares are uncertain.",
    ),
    "warn_small_group": (
        "{where} on vain {notes} muistiinpanoa; osuuksien luottamusvälit ovat leveitä, "
        "vertaa varoen.",
        "{where} has only {notes} notes; its shares have wide intervals, compare with care.",
    ),
    "warn_no_test": (
        "Khiin neliö -testiin tarvitaan vähintään 2 aluetta ja 2 teemaa; testiä ei laskettu.",
        "The chi-square test needs at least 2 groups and 2 themes; it was not computed.",
    ),
    "warn_small_expected": (
        "{cells}/{of} solun odotettu frekvenssi on alle 5; testin p-arvo on likimääräinen.",
        "{cells} of {of} cells have expected counts below 5; the test's p-value is approximate.",
    ),
    "warn_small_period_group": (
        "Jaksolla {period} näillä alueilla on alle 30 muistiinpanoa: {groups}.",
        "In {period} these have fewer than 30 notes: {groups}.",
    ),
    "warn_undated": (
        "{notes} muistiinpanoa on dokumenteista ilman päivämäärää; ne puuttuvat aikasarjasta.",
        "{notes} notes come from undated documents; they are not in the time view.",
    ),
    "chi2_help": (
        "Riippumattomuustesti alueiden ja teemojen välillä, vapausasteet {dof}.",
        "Test of independence of region and theme, {dof} degrees of freedom.",
    ),
    "cramers_v": ("Cramérin V", "Cramér's V"),
    "cramers_v_help": (
        "0 = alueet puhuvat samoista teemoista, 1 = täysin eri teemoista.",
        "0 = regions speak of the same themes, 1 = of entirely different ones.",
    ),
    "distinctive_title": ("Alueelle erottuvimmat teemat", "Each region's most distinctive themes"),
    "distinctive_title_other": ("Erottuvimmat teemat: {by}", "Most distinctive themes: {by}"),
    "distinctive_caption_other": (
        "Log-vetosuhde ryhmän ja muiden välillä; viiva = 95 %:n luottamusväli, z = "
        "erottuvuuden vahvuus.",
        "Log-odds of the group against the rest; line = 95 % interval, z = strength.",
    ),
    "distinctive_caption": (
        "Log-vetosuhde alueen ja muiden välillä; viiva = 95 %:n luottamusväli, z = "
        "erottuvuuden vahvuus.",
        "Log-odds of the region against the rest; line = 95 % interval, z = strength.",
    ),
    "needs_two_regions": (
        "Vertailuun tarvitaan vähintään kaksi aluetta.",
        "A comparison needs at least two regions.",
    ),
    "no_distinctive": ("Erottuvia teemoja ei löytynyt.", "No distinctive themes found."),
    "interval_95": ("95 %:n väli", "95 % interval"),
    "log_odds": ("Log-vetosuhde", "Log-odds"),
    "period": ("Jakso", "Period"),
    "timeline_title": ("Teemat ajassa", "Themes over time"),
    "timeline_no_dates": (
        "Aikasarjaan tarvitaan dokumentteja vähintään kahdelta jaksolta (päivämäärä ladattaessa).",
        "The time view needs dated documents from at least two periods.",
    ),
    "timeline_top": ("Suurimmat teemat", "Largest themes"),
    "all_regions": ("Kaikki alueet", "All regions"),
    # export
    "export_title": ("Vienti", "Export"),
    "export_format": ("Muoto", "Format"),
    "format_csv": ("CSV", "CSV"),
    "format_xlsx": ("Excel (XLSX)", "Excel (XLSX)"),
    "format_parquet": ("Parquet", "Parquet"),
    "format_qdpx": ("REFI-QDA-projekti (QDPX)", "REFI-QDA project (QDPX)"),
    "format_qdc": ("Koodikirja (QDC)", "Codebook (QDC)"),
    "format_csv_help": (
        "Muistiinpanot teemoineen, yksi rivi kutakin kohden.",
        "Notes with their themes, one row each.",
    ),
    "format_xlsx_help": ("Sama taulukko Excel-tiedostona.", "The same table as an Excel file."),
    "format_parquet_help": (
        "Sama taulukko analyysiohjelmille.",
        "The same table for analysis tools.",
    ),
    "format_qdpx_help": (
        "NVivo, ATLAS.ti, MAXQDA ja QualCoder avaavat tämän.",
        "Opens in NVivo, ATLAS.ti, MAXQDA and QualCoder.",
    ),
    "format_qdc_help": ("Teemat koodikirjana (REFI-QDA).", "The themes as a codebook (REFI-QDA)."),
    "export_prepare": ("Valmistele tiedosto", "Prepare the file"),
    "export_preparing": ("Valmistellaan…", "Preparing…"),
    "export_ready": ("{name} valmis ({size} kt).", "{name} ready ({size} KB)."),
    "export_download": ("Lataa {name}", "Download {name}"),
    "export_rows": (
        "{rows} riviä, {columns} saraketta; ensimmäiset alla.",
        "{rows} rows, {columns} columns; the first ones below.",
    ),
    "export_no_preview": ("Tiedoston esikatselu ei onnistunut.", "Could not preview the file."),
}


def language() -> str:
    """The sidebar's choice; outside a Streamlit session (tests, scripts) the default."""
    try:
        import streamlit as st

        lang = st.session_state.get("lang", DEFAULT_LANGUAGE)
    except Exception:  # noqa: BLE001 - no session: not running under Streamlit
        return DEFAULT_LANGUAGE
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def translated(key: str) -> str:
    """The key of a widget whose option labels are in the UI language, per language.

    Streamlit keeps a keyed widget's choice as its shown label, in the browser too, so after
    a switch 'työpaja' would stay on screen and match no English option; a key per language
    makes the widget start afresh instead."""
    return f"{key}-{language()}"


def option_labels(options: Iterable[Any], label: Callable[[Any], str]) -> Callable[[Any], str]:
    """A widget's ``format_func`` with every label made now, in the current language.

    A lambda calling ``t`` later would read the language at call time, and Streamlit may
    call it outside this session's run (where the language is unknown)."""
    labels = {option: label(option) for option in options}
    return lambda option: labels.get(option, str(option))


def t(key: str, lang: str | None = None, **values: Any) -> str:
    """The text for ``key``; an unknown key shows itself, so a gap is visible, not fatal."""
    texts = TEXTS.get(key)
    if texts is None:
        return key
    text = texts[0] if (lang or language()) == "fi" else texts[1]
    return text.format(**values) if values else text


def job_message(message: str, lang: str | None = None) -> str:
    """A job's message (``"<stage>"`` or ``"<file>: <stage>"``, stages in English) with
    its stage in the UI language; unknown stages are shown as they are."""
    prefix, _, stage = message.rpartition(": ")
    key = f"job_stage_{stage}"
    if key not in TEXTS:
        return message
    shown = t(key, lang)
    return f"{prefix}: {shown}" if prefix else shown


# The overview pages keep their texts in a module of their own (fewer edits to this file).
from ui.i18n_overview import OVERVIEW_TEXTS  # noqa: E402

TEXTS.update(OVERVIEW_TEXTS)
