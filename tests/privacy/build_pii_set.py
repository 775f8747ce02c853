"""Build ``pii_fi.jsonl``: Finnish sentences with their personal data annotated.

Written for this project (not copied from anywhere). Each sentence marks its
personal data as ``{ENTITY|value}``; the builder removes the marks and records the
spans. In a hetu a final ``?`` is replaced by the right control character, in an IBAN
``??`` by the right check digits, so every code in the set is valid.

    python -m tests.privacy.build_pii_set      # rewrites tests/privacy/pii_fi.jsonl

Lines: ``{"id": "p001", "text": ..., "spans": [{"start", "end", "entity"}], "clean": bool}``
(offsets in code points; ``clean`` sentences have no personal data).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

OUTPUT = Path(__file__).with_name("pii_fi.jsonl")
_MARK = re.compile(r"\{(PERSON|EMAIL|PHONE|HETU|IBAN|ADDRESS)\|([^}]+)\}")
ENTITIES = {
    "PERSON": "PERSON",
    "EMAIL": "EMAIL_ADDRESS",
    "PHONE": "PHONE_NUMBER",
    "HETU": "FI_PERSONAL_IDENTITY_CODE",
    "IBAN": "IBAN_CODE",
    "ADDRESS": "FI_STREET_ADDRESS",
}

WITH_PERSONAL_DATA = [
    # Names in several cases, alone and with surnames.
    "{PERSON|Pekka Kärkkäinen} Varkaudesta kertoi, että nuorten työpajat ovat täynnä.",
    "Annoin palautteen {PERSON|Pekalle} heti työpajan jälkeen.",
    "{PERSON|Kärkkäisen} mielestä kyläkoulut pitää säilyttää.",
    "Keskustelimme {PERSON|Sanna Tiihosen} kanssa hoitoketjuista.",
    "Kysy lisää {PERSON|Jussi Mäkiseltä} tai {PERSON|Anna-Liisa Heikkiseltä}.",
    "Ryhmän vetäjänä toimi {PERSON|Liisa Korhonen}.",
    "{PERSON|Matti Virtanen} ehdotti yhteistä kuljetuspalvelua.",
    "Puhuin eilen {PERSON|Virtaselle} ja hän lupasi selvittää asian.",
    "Idea tuli {PERSON|Mikolta}, joka on ollut mukana alusta asti.",
    "{PERSON|Hannan} ja {PERSON|Jukan} ryhmä piirsi kartan palveluista.",
    "Kiitos {PERSON|Minna Laaksoselle} hyvästä alustuksesta!",
    "Yhteyshenkilönä toimii {PERSON|Timo Nieminen} Kuopion kaupungilta.",
    "{PERSON|Riikka Hämäläisen} esitys herätti paljon kysymyksiä.",
    "Olin {PERSON|Kallen} kanssa samaa mieltä siitä, että bussivuoroja tarvitaan.",
    "Projektipäällikkö {PERSON|Heikki Savolainen} esitteli tulokset.",
    "{PERSON|Aino} sanoi, että nuoret eivät löydä palveluita.",
    "Lähetin muistion {PERSON|Eija Turuselle} ja {PERSON|Pasi Ahoselle}.",
    "Työpajan kirjuri oli {PERSON|Tiina Räsänen}.",
    "{PERSON|Markku Lehtisen} mukaan yrittäjät kaipaavat neuvontaa.",
    "Sovimme, että {PERSON|Johanna} kokoaa ehdotukset yhteen.",
    "{PERSON|Juha Karjalaisen} lapset käyvät koulua Leppävirralla.",
    "Tapasin {PERSON|Outi Partasen} Joensuussa viime viikolla.",
    "Kysyin {PERSON|Petriltä}, voiko tilaa käyttää iltaisin.",
    "Naapurini {PERSON|Seppo Kinnunen} ei pääse enää kauppaan ilman kyytiä.",
    "{PERSON|Katja Rissanen} ja {PERSON|Ville Hiltunen} vetivät ryhmää kaksi.",
    "Terveisiä {PERSON|Mervi Pitkäseltä}, joka ei päässyt paikalle.",
    "Sain viestin {PERSON|Sirpa Koskiselta} torstaina.",
    "{PERSON|Antti Huttusen} ehdotus oli avata kirjasto myös sunnuntaisin.",
    "Asiasta vastaa {PERSON|Kirsi Miettinen}.",
    "Ehdotuksen teki {PERSON|Jari Leinonen}, ja muut kannattivat sitä.",
    "{PERSON|Päivi} kertoi omasta kokemuksestaan omaishoitajana.",
    "Vanhempani {PERSON|Raija} ja {PERSON|Erkki Tolvanen} asuvat yksin.",
    "{PERSON|Tuomas Halonen} toimi puheenjohtajana.",
    "Kysymykset voi lähettää {PERSON|Laura Heiskaselle}.",
    "Esityksen piti {PERSON|Marjatta Kettunen} sosiaalitoimesta.",
    "Haastattelin {PERSON|Eeva Ruotsalaista} kotihoidosta.",
    "{PERSON|Janne Väisänen} on toiminut kylätoimikunnassa kymmenen vuotta.",
    "Pyysin {PERSON|Sarilta} luvan käyttää kuvia.",
    "{PERSON|Ismo Pesonen} muistutti, että talvikunnossapito puuttuu.",
    "Aloitteen allekirjoittivat {PERSON|Niina Kauppinen} ja {PERSON|Olli Rautiainen}.",
    "{PERSON|Anneli Hyvösen} mielestä kirjastoauto on välttämätön.",
    "Muistion laati {PERSON|Tanja Oksanen}.",
    "Hankkeen aloitti {PERSON|Kimmo Hirvonen} vuonna 2019.",
    "Olen {PERSON|Heli Jääskeläinen} ja asun Siilinjärvellä.",
    "Vein lomakkeet {PERSON|Reijolle} maanantaina.",
    # E-mail addresses.
    "Minuun saa yhteyttä numerosta {PHONE|+358 40 555 0199} tai sähköpostilla "
    "{EMAIL|sanna.tiihonen@pshyvinvointi.fi}.",
    "Lähetä ehdotukset osoitteeseen {EMAIL|matti.virtanen@kuopio.fi}.",
    "Ilmoittautumiset: {EMAIL|ilmo.nuoret2024@gmail.com}",
    "Kirjoitin asiasta {EMAIL|pekka.k@luukku.com} -osoitteeseen.",
    "Vastaan kysymyksiin sähköpostitse ({EMAIL|liisa_korhonen@outlook.com}).",
    "Palautteen voi antaa osoitteella {EMAIL|palaute.jussi@yritys-oy.fi} tai paperilla.",
    "Viestini meni {EMAIL|a.heikkinen@uef.fi}, mutta vastausta ei tullut.",
    "Yhteystieto: {EMAIL|tiina.rasanen+tyopaja@gmail.com}",
    "Laita viestiä {EMAIL|ville.hiltunen@varkaus.fi} niin sovitaan aika.",
    "Sähköposti {EMAIL|kirsi.miettinen@pohjois-savo.fi} toimii parhaiten.",
    "Kopio lähti myös {EMAIL|timo.nieminen@elisanet.fi}.",
    "Jos et pääse paikalle, kirjoita: {EMAIL|outi.partanen@kotikylä.fi}",
    # Phone numbers in the common Finnish formats.
    "Soita minulle numeroon {PHONE|040-5550199} iltaisin.",
    "Puh. {PHONE|040 555 0199}",
    "Tavoitat minut numerosta {PHONE|0400 123456}.",
    "Kyläyhdistyksen puheenjohtajan numero on {PHONE|050 123 4567}.",
    "Toimiston numero on {PHONE|(09) 123 4567}.",
    "Voit soittaa myös {PHONE|+358401234567}, jos tarvitset kyydin.",
    "Ajanvaraus numerosta {PHONE|017 123 4567} arkisin.",
    "Minun numeroni on {PHONE|044 987 6543}.",
    "Tekstiviesti numeroon {PHONE|0451234567} riittää.",
    "Hätätilanteessa soita naapurille: {PHONE|050-7654321}.",
    "Gsm {PHONE|041 234 5678}",
    "Äitini numero on {PHONE|+358 50 987 6543}, soita hänelle.",
    "Soitin {PHONE|09-123 4567} mutta kukaan ei vastannut.",
    "Puhelinnumero: {PHONE|046 555 1234}",
    "Ilta-aikaan parhaiten numerosta {PHONE|040 1234 567}.",
    # Personal identity codes.
    "Hakemukseen kirjoitettiin henkilötunnus {HETU|131052-308?}.",
    "Hetu {HETU|010190-123?} näkyi lomakkeen yläkulmassa.",
    "Asiakkaan tunnus oli {HETU|150505A234?}, vaikka sitä ei olisi saanut kirjata.",
    "Lomakkeessa luki {HETU|241287-912?} ja osoite.",
    "Henkilötunnukseni on {HETU|300399-045?}.",
    "Potilaan hetu {HETU|070710A678?} oli liitteessä.",
    "Hän antoi tunnuksensa {HETU|121212-121?} puhelimessa.",
    "Vanha lomake pyysi hetun: {HETU|010101-101?}.",
    # IBANs.
    "Maksa osallistumismaksu tilille {IBAN|FI?? 1234 5600 0007 85}.",
    "Tilinumeroni on {IBAN|FI?? 5000 0120 2556 74}.",
    "Kulukorvaus maksetaan tilille {IBAN|FI??11122233344455}.",
    "Tili {IBAN|FI?? 4009 9010 1234 56} on yhdistyksen rahastonhoitajan oma.",
    "Palautukset tilille {IBAN|FI?? 8000 1400 1234 55}.",
    # Street addresses.
    "Osoite on {ADDRESS|Kauppakatu 12 A 3, 70100 Kuopio}.",
    "Asun osoitteessa {ADDRESS|Koivukuja 4 B 12}, ja bussi ei kulje sinne.",
    "Lähetä lomake osoitteeseen {ADDRESS|Rantatie 15, 78200 Varkaus}.",
    "Kokoonnumme kotonani, {ADDRESS|Myllykatu 3 as. 5}.",
    "Postiosoitteeni: {ADDRESS|Pihlajatie 7 C 21, 00270 Helsinki}",
    "Isäni asuu {ADDRESS|Kirkkotie 22}, aivan kirkon vieressä.",
    "Toimitus osoitteeseen {ADDRESS|Puistokatu 8 A, 80100 Joensuu}.",
    "Hän muutti osoitteeseen {ADDRESS|Peltolantie 1 D 4, 74100 Iisalmi}.",
    # Several kinds in one sentence.
    "{PERSON|Jukka Hartikainen}, puh. {PHONE|050 555 1212}, {EMAIL|jukka.hartikainen@kylat.fi}",
    "Yhteyshenkilö {PERSON|Marja Lappalainen} ({PHONE|044 321 7654}) vastaa tiedusteluihin.",
]

WITHOUT_PERSONAL_DATA = [
    "Kuopion kaupunki ja Pohjois-Savon liitto järjestivät työpajan 12.3.2023.",
    "Nuorten työllisyyspalvelut tarvitsevat lisää resursseja Ylä-Savossa.",
    "Hankkeen budjetti on 250 000 euroa vuosille 2021–2023.",
    "Hanke ESR-12345 sai rahoitusta Euroopan sosiaalirahastosta.",
    "Pohjois-Savon ELY-keskus myönsi tukea kyläyhdistyksille.",
    "Varkaudessa ja Leppävirralla bussiyhteydet ovat heikentyneet.",
    "Itä-Suomen yliopisto tekee tutkimusta maaseudun palveluista.",
    "Kokous pidettiin 5.10.2022 klo 14.00 valtuustosalissa.",
    "Y-tunnus 0245442-8 kuuluu kuntayhtymälle.",
    "Diaarinumero POSELY/123/2022 liittyy hankehakemukseen.",
    "Vuoden 2024 talousarvio hyväksyttiin joulukuussa.",
    "Noin 45 prosenttia vastaajista piti kirjastopalveluita tärkeinä.",
    "Kyselyyn vastasi 1 234 asukasta kymmenestä kunnasta.",
    "Savonia-ammattikorkeakoulu ja Kuopion yliopistollinen sairaala tekevät yhteistyötä.",
    "Lahti ja Jyväskylä ovat mukana samassa verkostossa.",
    "Toivo paremmasta tulevaisuudesta näkyi kaikissa ryhmissä.",
    "Onni on löytää hyvä työpaikka läheltä kotia.",
    "Kauppakadulla on paljon tyhjiä liiketiloja.",
    "Kirkkotien varteen toivottiin valaistusta.",
    "Rantatie pitäisi kunnostaa ennen kesää.",
    "Hanke kestää 36 kuukautta ja sen koodi on S21234.",
    "Leader-ryhmä Kalakukko ry rahoitti kolme kylähanketta.",
    "Kyläkoulun oppilasmäärä on laskenut 120:stä 45:een.",
    "Sote-uudistus muutti palveluiden järjestämistä vuonna 2023.",
    "Pohjois-Savon hyvinvointialue vastaa sosiaali- ja terveyspalveluista.",
    "Nuorisovaltuusto esitti skeittiparkkia keskustaan.",
    "Kunnanhallitus käsittelee asian 14.2. kokouksessaan.",
    "Palveluliikenne ajaa tiistaisin ja torstaisin.",
    "Maaseutuohjelman rahoitus 2014–2020 on käytetty loppuun.",
    "Etätyöpisteitä avattiin kuusi Iisalmeen ja Kiuruvedelle.",
    "Metsähallitus ja Suomen metsäkeskus järjestivät infotilaisuuden.",
    "Yrittäjät toivoivat kunnalta nopeampaa lupakäsittelyä.",
    "Työpajaan osallistui 28 henkeä neljästä kunnasta.",
    "Kela ja TE-palvelut kertoivat uudesta työllisyysmallista.",
    "Sähköinen asiointi on vaikeaa monelle ikäihmiselle.",
    "Nuoret kaipaavat kohtaamispaikkoja ilman kulutuspakkoa.",
    "Joensuun seudulla junayhteydet ovat parantuneet.",
    "Hankkeen tunnus on A78901 ja rahoittaja on Business Finland.",
    "Kokonaiskustannukset olivat 1,2 miljoonaa euroa.",
    "Viestintä hoidetaan Facebookissa ja Instagramissa.",
    "Tilaisuus striimattiin YouTubeen, ja sitä katsoi 300 ihmistä.",
    "Vastaajista 62 % asui taajaman ulkopuolella.",
    "Kirjastoauto kulkee reittiä 4 kahden viikon välein.",
    "Puhelinpalvelun jonotusajat ovat pidentyneet.",
    "Sähköpostiin vastataan yleensä kahden päivän kuluessa.",
    "Henkilötunnusta ei saa kirjata avoimiin muistiinpanoihin.",
    "Tilinumeroa ei tarvita ilmoittautumisessa.",
    "Osoitteenmuutos tehdään Postin sivuilla.",
    "Aalto-yliopisto ja Sibelius-Akatemia kuuluvat samaan verkostoon.",
    "Snellmanin kampuksella järjestettiin rekrytointitapahtuma.",
    "Kallaveden rannalle suunnitellaan uutta uimarantaa.",
    "Tahko ja Nilsiä houkuttelevat matkailijoita ympäri vuoden.",
    "Puijon tornista näkee koko kaupungin.",
    "Savon Sanomat uutisoi työpajan tuloksista.",
    "Rahoitushaku päättyy 31.5.2024 klo 16.15.",
    "Valtionavustus on enintään 80 % hyväksytyistä kustannuksista.",
    "Ryhmä 3 käsitteli liikkumista ja ryhmä 4 asumista.",
    "Kysymys 2: Mitä palveluita kylällä tarvitaan?",
    "Hankkeessa on mukana 15 yritystä ja 4 oppilaitosta.",
    "Kaavoitus etenee Saaristokaupungin alueella.",
    "Sairaalan päivystys siirtyi uusiin tiloihin syksyllä.",
    "Kotihoidon käynnit kestävät keskimäärin 20 minuuttia.",
    "Opiskelijat ehdottivat kampukselle lisää pyöräparkkeja.",
    "Yhteisöllinen asuminen kiinnostaa erityisesti ikäihmisiä.",
    "Pohjois-Karjalan maakuntaliitto jakoi kehittämisrahaa.",
    "Hankkeen loppuraportti julkaistaan kesäkuussa 2025.",
    "Kylätalon vuokra on 50 euroa päivältä.",
    "Taksikyyti maksaa omavastuuna 4,50 euroa suuntaansa.",
    "Mikkelin ja Savonlinnan välinen yhteys on tärkeä pendelöijille.",
    "Kuntalaiskysely avattiin 1. maaliskuuta ja suljettiin 15. huhtikuuta.",
    "Tavoitteena on 300 uutta työpaikkaa vuoteen 2030 mennessä.",
    "Nuorisotakuu ei toteudu pienissä kunnissa.",
    "Vesihuollon saneerausta on lykätty jo kahdesti.",
    "Kirjaston aukioloja laajennettiin omatoimikirjastolla.",
    "Valokuitu on tulossa kaikille kylille vuoteen 2026 mennessä.",
    "Kansalaisopiston kursseille ilmoittaudutaan verkossa.",
    "Tulevaisuusverstaassa syntyi 42 ideaa.",
    "Ehdotuksista äänestettiin, ja eniten ääniä sai lähiliikunta.",
    "Maahanmuuttajien kielikoulutusta pitää lisätä.",
    "Perhekeskus avataan keskustaan ensi vuonna.",
    "Järjestöt toivovat pitkäjänteistä rahoitusta.",
    "Pelastuslaitos muistutti palovaroittimien tarkistamisesta.",
    "Kalakukko ja muikut ovat alueen tunnetuimpia tuotteita.",
    "Kokouksen pöytäkirja on luettavissa kunnan verkkosivuilla.",
    "Ryhmätyön tulokset koottiin fläppitaululle.",
]


def _expand(marked: str) -> dict[str, object]:
    """Remove the marks of one sentence and return its text and spans."""
    text_parts: list[str] = []
    spans: list[dict[str, object]] = []
    position = 0
    length = 0
    for match in _MARK.finditer(marked):
        before = marked[position : match.start()]
        text_parts.append(before)
        length += len(before)
        kind, value = match.group(1), _complete(match.group(1), match.group(2))
        spans.append({"start": length, "end": length + len(value), "entity": ENTITIES[kind]})
        text_parts.append(value)
        length += len(value)
        position = match.end()
    text_parts.append(marked[position:])
    return {"text": "".join(text_parts), "spans": spans}


def _complete(kind: str, value: str) -> str:
    """Fill in the control character of a hetu and the check digits of an IBAN."""
    if kind == "HETU" and value.endswith("?"):
        number = int(value[:6] + value[7:10])
        return value[:-1] + "0123456789ABCDEFHJKLMNPRSTUVWXY"[number % 31]
    if kind == "IBAN" and "??" in value:
        bban = value.replace("??", "").replace(" ", "")[2:]
        digits = "".join(str(int(c, 36)) for c in bban + "FI00")
        return value.replace("??", f"{98 - int(digits) % 97:02d}")
    return value


def build() -> list[dict[str, object]]:
    rows = []
    for index, marked in enumerate(WITH_PERSONAL_DATA, start=1):
        rows.append({"id": f"p{index:03d}", **_expand(marked), "clean": False})
    for index, sentence in enumerate(WITHOUT_PERSONAL_DATA, start=1):
        assert not _MARK.search(sentence)
        rows.append({"id": f"c{index:03d}", "text": sentence, "spans": [], "clean": True})
    return rows


def main() -> None:
    with OUTPUT.open("w", encoding="utf-8") as handle:
        for row in build():
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
