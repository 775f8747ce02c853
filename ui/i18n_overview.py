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
    "log_odds_help": (
        "Log-vetosuhde: kuinka paljon todennäköisemmin alue puhuu teemasta kuin muut "
        "(0 = yhtä usein, positiivinen = useammin).",
        "Log-odds: how much more likely the region speaks of the theme than the rest "
        "(0 = as often, positive = more often).",
    ),
    "undated_in_timeline": (
        "{notes} muistiinpanoa on dokumenteista ilman päivämäärää, eikä niitä näy "
        "aikasarjassa. Suurimmat teemat on laskettu kaikista muistiinpanoista.",
        "{notes} notes come from undated documents and are not in the time view. The "
        "largest themes are counted over all notes.",
    ),
}
