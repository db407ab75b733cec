"""The words the sentence splitter must know: abbreviations, ordinal-date words, sentence starters.

All entries are lower case and without their final full stop; the splitter compares the word
before a full stop with them case-insensitively.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# A full stop after these never ends a sentence: titles before a name, and abbreviations that
# stand inside a sentence ("e.g.", "vs.", "z.B.", "т.е.").
NEVER_FINAL = _words(
    """
    mr mrs ms mx dr prof sr jr st mt rev hon gen col lt sgt capt gov sen rep messrs mme mlle
    e.g i.e cf vs viz approx ca incl excl resp esp ibid op.cit
    z.b bzw d.h u.a s.o s.u vgl ggf evtl bspw sog inkl zzgl hr frl dipl str
    sra srta dña dra ud uds vd vds pág núm aprox p.ej
    т.е т.к им ул см стр проф акад
    """
)

# Before a number ("No. 5", "p. 12", "Jan. 5", "Fig. 3") a full stop never ends a sentence;
# before a word it may ("The answer is no. The next ...").
BEFORE_NUMBER = _words(
    """
    no nos nr nrn p pp fig figs tab vol vols art sec ch chap para eq ed s kap abs ext tel
    jan feb mar apr jun jul aug sep sept oct nov dec
    """
)

# These often end a sentence as well as standing inside one ("Apple Inc. reported ...",
# "... and so on, etc. The next ..."): a full stop after them ends the sentence only when the
# next word is a common sentence opening (:data:`STARTERS`). Initials ("J. Smith", "U.S.")
# are decided the same way by the splitter.
MAYBE_FINAL = _words(
    """
    etc inc corp ltd co bros plc llc al usw u.s u.k u.n e.u
    г гг вв т.д т.п др тыс млн млрд руб коп
    """
)

# Common first words of a sentence, for the MAYBE_FINAL decision.
STARTERS = _words(
    """
    a the this that these those it its in on at as an we our they their he she his her if for
    however but and also each all some there such when while after before during since because
    although under other any most many both what which who how why where you your
    not no only then thus here so with from by to more even yet still instead now today
    der die das dies diese dieser es er sie wir ich im am ein eine auch aber damit dabei zudem
    außerdem nach seit mit für
    el la los las en este esta estos estas un una por sin pero además
    le les une ce cette il elle nous ils mais
    в на это он она они мы по как но при после
    """
)

# A number with a full stop before these is an ordinal ("am 12. Juli", "im 3. Quartal",
# "1. Januar"), as German and the Nordic, Slavic, Finnish, Hungarian and Turkish languages
# write it: the full stop is not the end of a sentence.
ORDINAL_NEXT = _words(
    """
    januar jänner februar feber märz april mai juni juli august september oktober november
    dezember jan feb mär apr jun jul aug sep sept okt nov dez
    jahrhundert jahrhunderts jahrtausend jahrtausends quartal quartals halbjahr halbjahres
    mal platz rang klasse stock stockwerk etage auflage ausgabe kapitel abschnitt absatz
    jahrestag geburtstag todestag lebensjahr spieltag runde liga bundesliga woche tag monat
    semester teil band sinfonie symphonie armee division kompanie
    januari februari maart mei juni juli augustus oktober
    januar februar marts maj juni juli oktober
    januari februari mars maj augusti
    tammikuuta helmikuuta maaliskuuta huhtikuuta toukokuuta kesäkuuta heinäkuuta elokuuta
    syyskuuta lokakuuta marraskuuta joulukuuta
    ledna února března dubna května června července srpna září října listopadu prosince
    stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października
    listopada grudnia
    január február március április május június július augusztus szeptember október
    ocak şubat mart nisan mayıs haziran temmuz ağustos eylül ekim kasım aralık
    """
)

# A number with a full stop after these words is an ordinal ("am 12.", "bis zum 3.").
ORDINAL_BEFORE = _words(
    """
    am vom zum bis ab seit im den dem des zur beim jeden jedem jedes ihren seinen
    """
)
