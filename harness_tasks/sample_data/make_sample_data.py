"""Write the bundled synthetic sample of every XTREME and XTREME-R task, in the benchmark's raw download layout.

    python harness_tasks/sample_data/make_sample_data.py [OUTPUT_DIR]   (default: this script's folder)

Every sentence comes from the small template lexicon below, written for this project (no text from the real
datasets). The output is deterministic: fixed seeds, sorted iteration, "\\n" line ends. Test files keep
their labels (unlike the real download) so that the sample can be scored end to end.

Labels follow consistent surface patterns so a tiny model can learn them in a demo:
XNLI: the hypothesis template decides the label; PAWS-X: role swap = 0, rephrasing = 1;
UD-POS and PAN-X: fixed tag sequences per template; QA: answers are slot fillers of the context template;
XCOPA/COPA: the right choice is the other half of the premise's (cause, effect) event; SocialIQA: one right
answer per template; Mewsli-X: a mention's entity description starts with its name (and its spellings in
the sample's languages); LAReQA: the answer sentence holds the question's slot filler.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
import sys
from pathlib import Path

OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent

# ----------------------------------------------------------------------------------------------- lexicon
# Invented people, real city names, invented organisations. Columns per language.
PEOPLE = [
    {"en": "Anna Berger", "de": "Anna Berger", "fr": "Anna Berger", "fi": "Anna Berger", "zh": "安娜·贝格尔", "ru": "Анна Бергер",
     "uk": "Анна Бергер", "pl": "Anna Berger", "ro": "Anna Berger", "ar": "آنا برغر", "ja": "アンナ・ベルガー"},
    {"en": "Lena Vogt", "de": "Lena Vogt", "fr": "Lena Vogt", "fi": "Lena Vogt", "zh": "莉娜·福格特", "ru": "Лена Фогт",
     "uk": "Лена Фогт", "pl": "Lena Vogt", "ro": "Lena Vogt", "ar": "لينا فوغت", "ja": "レナ・フォークト"},
    {"en": "Maria Holm", "de": "Maria Holm", "fr": "Maria Holm", "fi": "Maria Holm", "zh": "玛丽亚·霍尔姆", "ru": "Мария Хольм",
     "uk": "Марія Гольм", "pl": "Maria Holm", "ro": "Maria Holm", "ar": "ماريا هولم", "ja": "マリア・ホルム"},
    {"en": "Clara Wendt", "de": "Clara Wendt", "fr": "Clara Wendt", "fi": "Clara Wendt", "zh": "克拉拉·文特", "ru": "Клара Вендт",
     "uk": "Клара Вендт", "pl": "Klara Wendt", "ro": "Clara Wendt", "ar": "كلارا فنت", "ja": "クララ・ヴェント"},
    {"en": "Eva Lind", "de": "Eva Lind", "fr": "Eva Lind", "fi": "Eva Lind", "zh": "伊娃·林德", "ru": "Ева Линд",
     "uk": "Єва Лінд", "pl": "Ewa Lind", "ro": "Eva Lind", "ar": "إيفا ليند", "ja": "エヴァ・リンド"},
    {"en": "Nora Falk", "de": "Nora Falk", "fr": "Nora Falk", "fi": "Nora Falk", "zh": "诺拉·法尔克", "ru": "Нора Фальк",
     "uk": "Нора Фальк", "pl": "Nora Falk", "ro": "Nora Falk", "ar": "نورا فالك", "ja": "ノラ・ファルク"},
    {"en": "Ida Kramer", "de": "Ida Kramer", "fr": "Ida Kramer", "fi": "Ida Kramer", "zh": "伊达·克拉默", "ru": "Ида Крамер",
     "uk": "Іда Крамер", "pl": "Ida Kramer", "ro": "Ida Kramer", "ar": "إيدا كرامر", "ja": "イダ・クラマー"},
    {"en": "Rosa Brandt", "de": "Rosa Brandt", "fr": "Rosa Brandt", "fi": "Rosa Brandt", "zh": "罗莎·布兰特", "ru": "Роза Брандт",
     "uk": "Роза Брандт", "pl": "Róża Brandt", "ro": "Rosa Brandt", "ar": "روزا براندت", "ja": "ローザ・ブラント"},
]
CITIES = [
    {"en": "Vienna", "de": "Wien", "fr": "Vienne", "fi": "Wien", "zh": "维也纳", "ru": "Вена",
     "uk": "Відень", "pl": "Wiedeń", "ro": "Viena", "ar": "فيينا", "ja": "ウィーン"},
    {"en": "Prague", "de": "Prag", "fr": "Prague", "fi": "Praha", "zh": "布拉格", "ru": "Прага",
     "uk": "Прага", "pl": "Praga", "ro": "Praga", "ar": "براغ", "ja": "プラハ"},
    {"en": "Lisbon", "de": "Lissabon", "fr": "Lisbonne", "fi": "Lissabon", "zh": "里斯本", "ru": "Лиссабон",
     "uk": "Лісабон", "pl": "Lizbona", "ro": "Lisabona", "ar": "لشبونة", "ja": "リスボン"},
    {"en": "Oslo", "de": "Oslo", "fr": "Oslo", "fi": "Oslo", "zh": "奥斯陆", "ru": "Осло",
     "uk": "Осло", "pl": "Oslo", "ro": "Oslo", "ar": "أوسلو", "ja": "オスロ"},
    {"en": "Madrid", "de": "Madrid", "fr": "Madrid", "fi": "Madrid", "zh": "马德里", "ru": "Мадрид",
     "uk": "Мадрид", "pl": "Madryt", "ro": "Madrid", "ar": "مدريد", "ja": "マドリード"},
    {"en": "Dublin", "de": "Dublin", "fr": "Dublin", "fi": "Dublin", "zh": "都柏林", "ru": "Дублин",
     "uk": "Дублін", "pl": "Dublin", "ro": "Dublin", "ar": "دبلن", "ja": "ダブリン"},
]
ORGS = [
    {"en": "Northwind Bank", "de": "Nordwind Bank", "fi": "Nordwind Bank", "zh": "北风银行", "ru": "Нордвинд",
     "pl": "Bank Northwind", "ro": "Banca Northwind", "ar": "بنك نورثويند", "ja": "ノースウィンド銀行"},
    {"en": "Bluefield Motors", "de": "Blaufeld Motoren", "fi": "Bluefield Motors", "zh": "蓝田汽车", "ru": "Блюфилд",
     "pl": "Bluefield Motors", "ro": "Bluefield Motors", "ar": "بلوفيلد موتورز", "ja": "ブルーフィールド自動車"},
    {"en": "Silverline Press", "de": "Silberlinie Verlag", "fi": "Silverline Press", "zh": "银线出版社", "ru": "Сильверлайн",
     "pl": "Wydawnictwo Silverline", "ro": "Editura Silverline", "ar": "دار سيلفرلاين للنشر", "ja": "シルバーライン出版"},
    {"en": "Greenhill Foods", "de": "Grünhügel Lebensmittel", "fi": "Greenhill Foods", "zh": "绿山食品", "ru": "Гринхилл",
     "pl": "Greenhill Foods", "ro": "Greenhill Alimente", "ar": "غرينهيل للأغذية", "ja": "グリーンヒル食品"},
]
JOBS = [
    {"en": "engineer", "de": "Ingenieurin", "fi": "insinööri", "zh": "工程师", "ru": "инженер", "ro": "inginer"},
    {"en": "designer", "de": "Designerin", "fi": "suunnittelija", "zh": "设计师", "ru": "дизайнер", "ro": "designer"},
    {"en": "translator", "de": "Übersetzerin", "fi": "kääntäjä", "zh": "翻译", "ru": "переводчик", "ro": "traducător"},
]

SAMPLE_LANGS = ("en", "de", "zh")  # pair, tagging, XQuAD and MLQA languages of the sample
TYDIQA_LANGS = ("en", "fi", "ru")
BUCC_LANGS = ("de", "fr", "zh")
TATOEBA_SAMPLE = {"de": "deu", "fr": "fra", "zh": "cmn", "uk": "ukr"}
# One language XTREME-R adds to each extended task (UD-POS, PAN-X, XQuAD; Tatoeba: uk above).
UDPOS_R_LANGS, PANX_R_LANGS, XQUAD_R_LANGS = ("uk",), ("pl",), ("ro",)
XCOPA_LANGS = ("th", "tr", "zh")  # XTREME-R's new tasks
MEWSLIX_LANGS = ("ar", "de", "ja")
LAREQA_LANGS = ("en", "de", "ru", "zh")


def rng(name: str) -> random.Random:
    return random.Random(f"xtreme-sample-{name}")  # str seeds hash deterministically (sha512)


def write(path: str, text: str) -> None:
    target = OUT / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8", newline="\n")


def write_tsv(path: str, rows) -> None:
    # The benchmark writes these with csv.writer(delimiter="\t"); do the same so quoting matches.
    target = OUT / path
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerows(rows)


# --------------------------------------------------------------------------------------------- XNLI
NLI = {  # (premise, {label: hypothesis})
    "en": [
        ("{p} lives in {c} and works at a bakery.",
         {"entailment": "{p} lives in {c}.", "contradiction": "{p} has never been to {c}.", "neutral": "{p} has two brothers."}),
        ("{p} bought a red car in {c}.",
         {"entailment": "{p} owns a car.", "contradiction": "{p} does not own a car.", "neutral": "The car was expensive."}),
        ("{p} reads a book every evening.",
         {"entailment": "{p} reads books.", "contradiction": "{p} never reads.", "neutral": "{p} reads in the garden."}),
    ],
    "de": [
        ("{p} wohnt in {c} und arbeitet in einer Bäckerei.",
         {"entailment": "{p} wohnt in {c}.", "contradiction": "{p} war noch nie in {c}.", "neutral": "{p} hat zwei Brüder."}),
        ("{p} hat in {c} ein rotes Auto gekauft.",
         {"entailment": "{p} besitzt ein Auto.", "contradiction": "{p} besitzt kein Auto.", "neutral": "Das Auto war teuer."}),
        ("{p} liest jeden Abend ein Buch.",
         {"entailment": "{p} liest Bücher.", "contradiction": "{p} liest nie.", "neutral": "{p} liest im Garten."}),
    ],
    "zh": [
        ("{p}住在{c}，在一家面包店工作。",
         {"entailment": "{p}住在{c}。", "contradiction": "{p}从来没有去过{c}。", "neutral": "{p}有两个兄弟。"}),
        ("{p}在{c}买了一辆红色的汽车。",
         {"entailment": "{p}有一辆汽车。", "contradiction": "{p}没有汽车。", "neutral": "那辆汽车很贵。"}),
        ("{p}每天晚上看一本书。",
         {"entailment": "{p}看书。", "contradiction": "{p}从来不看书。", "neutral": "{p}在花园里看书。"}),
    ],
}
XNLI_ORDER = ("contradiction", "entailment", "neutral")


def nli_rows(lang: str, count: int, seed: str) -> list[list[str]]:
    r = rng(seed)
    rows = []
    for i in range(count):
        premise, hyps = NLI[lang][i % len(NLI[lang])]
        label = XNLI_ORDER[(i // len(NLI[lang])) % 3]
        person, city = r.choice(PEOPLE)[lang], r.choice(CITIES)[lang]
        rows.append([premise.format(p=person, c=city), hyps[label].format(p=person, c=city), label])
    return rows


def make_xnli() -> None:
    write_tsv("xnli/train-en.tsv", nli_rows("en", 150, "xnli-train"))
    for lang in SAMPLE_LANGS:
        write_tsv(f"xnli/dev-{lang}.tsv", nli_rows(lang, 15, f"xnli-dev-{lang}"))
        write_tsv(f"xnli/test-{lang}.tsv", nli_rows(lang, 18, f"xnli-test-{lang}"))


# -------------------------------------------------------------------------------------------- PAWS-X
PAWS = {  # (sentence1, paraphrase, role-swapped non-paraphrase)
    "en": [
        ("{a} sent a letter to {b}.", "{b} received a letter from {a}.", "{b} sent a letter to {a}."),
        ("{a} moved from {c} to {d}.", "{a} left {c} and moved to {d}.", "{a} moved from {d} to {c}."),
    ],
    "de": [
        ("{a} hat {b} einen Brief geschickt.", "{b} hat einen Brief von {a} bekommen.", "{b} hat {a} einen Brief geschickt."),
        ("{a} ist von {c} nach {d} gezogen.", "{a} hat {c} verlassen und ist nach {d} gezogen.", "{a} ist von {d} nach {c} gezogen."),
    ],
    "zh": [
        ("{a}给{b}寄了一封信。", "{b}收到了{a}寄来的一封信。", "{b}给{a}寄了一封信。"),
        ("{a}从{c}搬到了{d}。", "{a}离开{c}，搬到了{d}。", "{a}从{d}搬到了{c}。"),
    ],
}


def paws_rows(lang: str, count: int, seed: str) -> list[list[str]]:
    r = rng(seed)
    rows = []
    for i in range(count):
        first, para, swap = PAWS[lang][i % 2]
        a, b = (p[lang] for p in r.sample(PEOPLE, 2))
        c, d = (x[lang] for x in r.sample(CITIES, 2))
        label = "1" if (i // 2) % 2 == 0 else "0"
        fill = dict(a=a, b=b, c=c, d=d)
        rows.append([first.format(**fill), (para if label == "1" else swap).format(**fill), label])
    return rows


def make_pawsx() -> None:
    write_tsv("pawsx/train-en.tsv", paws_rows("en", 120, "pawsx-train"))
    for lang in SAMPLE_LANGS:
        write_tsv(f"pawsx/dev-{lang}.tsv", paws_rows(lang, 14, f"pawsx-dev-{lang}"))
        write_tsv(f"pawsx/test-{lang}.tsv", paws_rows(lang, 16, f"pawsx-test-{lang}"))


# -------------------------------------------------------------------------------------------- UD-POS
POS_SLOTS = {
    "en": {"adj": ["small", "old", "happy"], "noun": ["dog", "teacher", "neighbour", "baker"], "verb": ["sees", "follows", "calls"]},
    "de": {"adj": ["kleine", "alte", "fröhliche"], "noun": ["Hund", "Lehrer", "Nachbar", "Bäcker"], "verb": ["sieht", "sucht", "ruft"]},
    "zh": {"adj": ["小", "老", "快乐"], "noun": ["狗", "老师", "邻居", "面包师"], "verb": ["看见", "找到", "叫"]},
    "uk": {"adj": ["малий", "старий", "веселий"], "noun": ["пес", "учитель", "сусід", "пекар"], "verb": ["бачить", "шукає", "кличе"]},
}
POS_TEMPLATES = {  # lists of (token or {slot}, tag)
    "en": [
        [("The", "DET"), ("{adj}", "ADJ"), ("{noun}", "NOUN"), ("{verb}", "VERB"), ("the", "DET"), ("{noun2}", "NOUN"), (".", "PUNCT")],
        [("{first}", "PROPN"), ("{last}", "PROPN"), ("lives", "VERB"), ("in", "ADP"), ("{city}", "PROPN"), (".", "PUNCT")],
        [("She", "PRON"), ("quickly", "ADV"), ("reads", "VERB"), ("two", "NUM"), ("books", "NOUN"), ("and", "CCONJ"), ("smiles", "VERB"), (".", "PUNCT")],
        [("Oh", "INTJ"), (",", "PUNCT"), ("the", "DET"), ("{noun}", "NOUN"), ("is", "AUX"), ("not", "PART"), ("{adj}", "ADJ"), ("!", "PUNCT")],
    ],
    "de": [
        [("Der", "DET"), ("{adj}", "ADJ"), ("{noun}", "NOUN"), ("{verb}", "VERB"), ("den", "DET"), ("{noun2}", "NOUN"), (".", "PUNCT")],
        [("{first}", "PROPN"), ("{last}", "PROPN"), ("wohnt", "VERB"), ("in", "ADP"), ("{city}", "PROPN"), (".", "PUNCT")],
        [("Sie", "PRON"), ("liest", "VERB"), ("schnell", "ADV"), ("zwei", "NUM"), ("Bücher", "NOUN"), ("und", "CCONJ"), ("lächelt", "VERB"), (".", "PUNCT")],
        [("Oh", "INTJ"), (",", "PUNCT"), ("der", "DET"), ("{noun}", "NOUN"), ("ist", "AUX"), ("nicht", "PART"), ("alt", "ADJ"), ("!", "PUNCT")],
    ],
    "zh": [
        [("{adj}", "ADJ"), ("的", "PART"), ("{noun}", "NOUN"), ("{verb}", "VERB"), ("了", "AUX"), ("{noun2}", "NOUN"), ("。", "PUNCT")],
        [("{person}", "PROPN"), ("住", "VERB"), ("在", "ADP"), ("{city}", "PROPN"), ("。", "PUNCT")],
        [("她", "PRON"), ("很快", "ADV"), ("读", "VERB"), ("了", "AUX"), ("两", "NUM"), ("本", "NOUN"), ("书", "NOUN"), ("。", "PUNCT")],
        [("哦", "INTJ"), ("，", "PUNCT"), ("这个", "DET"), ("{noun}", "NOUN"), ("不", "ADV"), ("老", "ADJ"), ("！", "PUNCT")],
    ],
    "uk": [
        [("{adj}", "ADJ"), ("{noun}", "NOUN"), ("{verb}", "VERB"), ("{noun2}", "NOUN"), (".", "PUNCT")],
        [("{first}", "PROPN"), ("{last}", "PROPN"), ("живе", "VERB"), ("у", "ADP"), ("{city}", "PROPN"), (".", "PUNCT")],
        [("Вона", "PRON"), ("швидко", "ADV"), ("читає", "VERB"), ("дві", "NUM"), ("книжки", "NOUN"), ("і", "CCONJ"), ("усміхається", "VERB"), (".", "PUNCT")],
        [("О", "INTJ"), (",", "PUNCT"), ("цей", "DET"), ("{noun}", "NOUN"), ("не", "PART"), ("старий", "ADJ"), ("!", "PUNCT")],
    ],
}


def pos_sentences(lang: str, count: int, seed: str) -> list[list[tuple[str, str]]]:
    r = rng(seed)
    slots = POS_SLOTS[lang]
    out = []
    for i in range(count):
        person = r.choice(PEOPLE)[lang]
        first, _, last = person.partition(" ")
        noun, noun2 = r.sample(slots["noun"], 2)
        fill = dict(adj=r.choice(slots["adj"]), noun=noun, noun2=noun2, verb=r.choice(slots["verb"]),
                    first=first, last=last, person=person, city=r.choice(CITIES)[lang])
        out.append([(tok.format(**fill), tag) for tok, tag in POS_TEMPLATES[lang][i % len(POS_TEMPLATES[lang])]])
    return out


def tagged_text(sentences, prefix: str = "") -> str:
    return "".join("".join(f"{prefix}{tok}\t{tag}\n" for tok, tag in s) + "\n" for s in sentences)


def make_udpos() -> None:
    write("udpos/train-en.tsv", tagged_text(pos_sentences("en", 100, "udpos-train")))
    for lang in SAMPLE_LANGS:
        write(f"udpos/dev-{lang}.tsv", tagged_text(pos_sentences(lang, 12, f"udpos-dev-{lang}")))
        write(f"udpos/test-{lang}.tsv", tagged_text(pos_sentences(lang, 16, f"udpos-test-{lang}")))
    for lang in UDPOS_R_LANGS:
        write(f"udpos/dev-{lang}.tsv", tagged_text(pos_sentences(lang, 12, f"udpos-dev-{lang}")))
        write(f"udpos/test-{lang}.tsv", tagged_text(pos_sentences(lang, 16, f"udpos-test-{lang}")))


# --------------------------------------------------------------------------------------------- PAN-X
NER_TEMPLATES = {  # {per} / {loc} / {org} expand to B-/I- tagged tokens
    "en": [["{per}", "lives", "in", "{loc}", "."], ["{per}", "works", "for", "{org}", "."],
           ["{org}", "opened", "an", "office", "in", "{loc}", "."], ["The", "weather", "was", "warm", "today", "."]],
    "de": [["{per}", "wohnt", "in", "{loc}", "."], ["{per}", "arbeitet", "bei", "{org}", "."],
           ["{org}", "eröffnete", "ein", "Büro", "in", "{loc}", "."], ["Das", "Wetter", "war", "heute", "warm", "."]],
    "zh": [["{per}", "住在", "{loc}", "。"], ["{per}", "在", "{org}", "工作", "。"],
           ["{org}", "在", "{loc}", "开设", "了", "办事处", "。"], ["今天", "天气", "很", "暖和", "。"]],
    "pl": [["{per}", "mieszka", "w", "{loc}", "."], ["{per}", "pracuje", "w", "{org}", "."],
           ["{org}", "otworzył", "biuro", "w", "{loc}", "."], ["Pogoda", "była", "dziś", "ciepła", "."]],
}


def entity_tokens(name: str, kind: str, lang: str) -> list[tuple[str, str]]:
    words = [name] if lang == "zh" else name.split(" ")
    return [(w, ("B-" if k == 0 else "I-") + kind) for k, w in enumerate(words)]


def ner_sentences(lang: str, count: int, seed: str) -> list[list[tuple[str, str]]]:
    r = rng(seed)
    out = []
    for i in range(count):
        ents = {"{per}": (r.choice(PEOPLE)[lang], "PER"), "{loc}": (r.choice(CITIES)[lang], "LOC"),
                "{org}": (r.choice(ORGS)[lang], "ORG")}
        sentence = []
        for tok in NER_TEMPLATES[lang][i % len(NER_TEMPLATES[lang])]:
            sentence += entity_tokens(*ents[tok], lang) if tok in ents else [(tok, "O")]
        out.append(sentence)
    return out


def make_panx() -> None:
    # Raw PAN-X tokens carry a "lang:" prefix; keep it so readers exercise the stripping.
    write("panx/train-en.tsv", tagged_text(ner_sentences("en", 100, "panx-train"), "en:"))
    for lang in SAMPLE_LANGS:
        write(f"panx/dev-{lang}.tsv", tagged_text(ner_sentences(lang, 12, f"panx-dev-{lang}"), f"{lang}:"))
        write(f"panx/test-{lang}.tsv", tagged_text(ner_sentences(lang, 16, f"panx-test-{lang}"), f"{lang}:"))
    for lang in PANX_R_LANGS:
        write(f"panx/dev-{lang}.tsv", tagged_text(ner_sentences(lang, 12, f"panx-dev-{lang}"), f"{lang}:"))
        write(f"panx/test-{lang}.tsv", tagged_text(ner_sentences(lang, 16, f"panx-test-{lang}"), f"{lang}:"))


# ------------------------------------------------------------------------------------------------ QA
QA = {  # context template, [(question template, answer slot)]
    "en": ("{p} was born in {c} in {y}. After studying music, {p} joined {o} as a {j}. {p} still lives in {c}.",
           [("Where was {p} born?", "c"), ("In which year was {p} born?", "y"),
            ("Which company did {p} join?", "o"), ("What job did {p} take at {o}?", "j")]),
    "de": ("{p} wurde {y} in {c} geboren. Nach dem Musikstudium ging {p} als {j} zu {o}. {p} lebt noch immer in {c}.",
           [("Wo wurde {p} geboren?", "c"), ("In welchem Jahr wurde {p} geboren?", "y"),
            ("Zu welcher Firma ging {p}?", "o"), ("Als was arbeitet {p} bei {o}?", "j")]),
    "zh": ("{p}于{y}年出生在{c}。学完音乐以后，{p}加入了{o}，成为一名{j}。{p}现在仍然住在{c}。",
           [("{p}出生在哪里？", "c"), ("{p}是哪一年出生的？", "y"), ("{p}加入了哪家公司？", "o"), ("{p}在{o}做什么工作？", "j")]),
    "fi": ("{p} syntyi vuonna {y}. {p} asuu kaupungissa {c} ja työskentelee yrityksessä {o}.",
           [("Minä vuonna {p} syntyi?", "y"), ("Missä kaupungissa {p} asuu?", "c"), ("Missä yrityksessä {p} työskentelee?", "o")]),
    "ru": ("{p} родилась в {y} году. Она живёт в городе {c} и работает в компании {o}.",
           [("В каком году родилась {p}?", "y"), ("В каком городе живёт {p}?", "c"), ("В какой компании работает {p}?", "o")]),
    "ro": ("{p} s-a născut la {c} în {y}. După studiile de muzică, {p} a intrat la {o} ca {j}. {p} locuiește și acum la {c}.",
           [("Unde s-a născut {p}?", "c"), ("În ce an s-a născut {p}?", "y"),
            ("La ce companie a intrat {p}?", "o"), ("Ce meserie are {p} la {o}?", "j")]),
}


def squad_file(lang: str, contexts: int, seed: str, id_prefix: str) -> dict:
    r = rng(seed)
    template, questions = QA[lang]
    data = []
    for n in range(contexts):
        fill = {"p": r.choice(PEOPLE)[lang], "c": r.choice(CITIES)[lang], "y": str(r.randint(1950, 1999)),
                "o": r.choice(ORGS)[lang], "j": r.choice(JOBS)[lang]}
        context = template.format(**fill)
        qas = []
        for k, (question, slot) in enumerate(questions):
            answer = fill[slot]
            qas.append({"id": f"{id_prefix}-{n:03d}-{k}", "question": question.format(**fill),
                        "answers": [{"text": answer, "answer_start": context.index(answer)}]})
        data.append({"title": f"{fill['p']} ({n})", "paragraphs": [{"context": context, "qas": qas}]})
    return {"version": "1.1", "data": data}


def write_json(path: str, obj) -> None:
    write(path, json.dumps(obj, ensure_ascii=False, indent=1) + "\n")


def make_qa() -> None:
    write_json("squad/train-v1.1.json", squad_file("en", 30, "squad-train", "squad-train"))
    write_json("squad/dev-v1.1.json", squad_file("en", 5, "squad-dev", "squad-dev"))
    for lang in SAMPLE_LANGS:
        write_json(f"xquad/xquad.{lang}.json", squad_file(lang, 4, f"xquad-{lang}", f"xquad-{lang}"))
        for split in ("dev", "test"):
            write_json(f"mlqa/MLQA_V1/{split}/{split}-context-{lang}-question-{lang}.json",
                       squad_file(lang, 3 if split == "dev" else 4, f"mlqa-{split}-{lang}", f"mlqa-{split}-{lang}"))
    for lang in XQUAD_R_LANGS:
        write_json(f"xquad/xquad.{lang}.json", squad_file(lang, 4, f"xquad-{lang}", f"xquad-{lang}"))
    write_json("tydiqa/tydiqa-goldp-v1.1-train/tydiqa.en.train.json", squad_file("en", 20, "tydiqa-train", "english"))
    for lang in TYDIQA_LANGS:
        write_json(f"tydiqa/tydiqa-goldp-v1.1-dev/tydiqa.{lang}.dev.json",
                   squad_file(lang, 4, f"tydiqa-dev-{lang}", f"tydiqa-{lang}"))


# --------------------------------------------------------------------------- parallel (BUCC, Tatoeba)
PARALLEL = {
    "en": ["{p} lives in {c}.", "{p} bought a red car in {c}.", "{p} sent a letter to {b}.",
           "{p} moved from {c} to {d}.", "{p} met {b} at the station in {c}."],
    "de": ["{p} wohnt in {c}.", "{p} hat in {c} ein rotes Auto gekauft.", "{p} hat {b} einen Brief geschickt.",
           "{p} ist von {c} nach {d} gezogen.", "{p} hat {b} am Bahnhof in {c} getroffen."],
    "fr": ["{p} habite à {c}.", "{p} a acheté une voiture rouge à {c}.", "{p} a envoyé une lettre à {b}.",
           "{p} a déménagé de {c} à {d}.", "{p} a rencontré {b} à la gare de {c}."],
    "zh": ["{p}住在{c}。", "{p}在{c}买了一辆红色的汽车。", "{p}给{b}寄了一封信。",
           "{p}从{c}搬到了{d}。", "{p}在{c}的火车站遇见了{b}。"],
    "uk": ["{p} живе в місті {c}.", "{p} купила червоне авто в місті {c}.", "{p} надіслала листа, якого чекала {b}.",
           "{p} переїхала з міста {c} до міста {d}.", "{p} зустріла {b} на вокзалі в місті {c}."],
}


def parallel_pairs(lang: str, count: int, seed: str, exclude: set[str] = frozenset()) -> list[tuple[str, str]]:
    """``count`` distinct (lang sentence, English sentence) translation pairs."""
    r = rng(seed)
    pairs, seen = [], set(exclude)
    while len(pairs) < count:
        t = r.randrange(len(PARALLEL["en"]))
        p, b = r.sample(range(len(PEOPLE)), 2)
        c, d = r.sample(range(len(CITIES)), 2)

        def render(lg: str) -> str:
            return PARALLEL[lg][t].format(p=PEOPLE[p][lg], b=PEOPLE[b][lg], c=CITIES[c][lg], d=CITIES[d][lg])

        if render("en") in seen:
            continue
        seen.add(render("en"))
        pairs.append((render(lang), render("en")))
    return pairs


def make_bucc() -> None:
    for lang in BUCC_LANGS:
        used: set[str] = set()
        for split, n_gold in (("dev", 12), ("test", 16)):
            pairs = parallel_pairs(lang, n_gold + 10, f"bucc-{split}-{lang}", used)
            used |= {en for _, en in pairs}
            gold, source_only, target_only = pairs[:n_gold], pairs[n_gold:n_gold + 4], pairs[n_gold + 4:]
            source = [(s, k) for k, (s, _) in enumerate(gold)] + [(s, None) for s, _ in source_only]
            target = [(e, k) for k, (_, e) in enumerate(gold)] + [(e, None) for _, e in target_only]
            r = rng(f"bucc-order-{split}-{lang}")
            r.shuffle(source)
            r.shuffle(target)
            src_id = {k: f"{lang}-{i + 1:09d}" for i, (_, k) in enumerate(source) if k is not None}
            tgt_id = {k: f"en-{i + 1:09d}" for i, (_, k) in enumerate(target) if k is not None}
            stem = f"bucc2018/{lang}-en.{split}"
            write(f"{stem}.{lang}", "".join(f"{lang}-{i + 1:09d}\t{s}\n" for i, (s, _) in enumerate(source)))
            write(f"{stem}.en", "".join(f"en-{i + 1:09d}\t{e}\n" for i, (e, _) in enumerate(target)))
            write(f"{stem}.gold", "".join(f"{src_id[k]}\t{tgt_id[k]}\n" for k in sorted(src_id, key=src_id.get)))


def make_tatoeba() -> None:
    for lang, iso3 in TATOEBA_SAMPLE.items():
        pairs = parallel_pairs(lang, 15, f"tatoeba-{lang}")
        # LASER's aligned form.
        write(f"tatoeba/tatoeba.{iso3}-eng.{iso3}", "".join(s + "\n" for s, _ in pairs))
        write(f"tatoeba/tatoeba.{iso3}-eng.eng", "".join(e + "\n" for _, e in pairs))
        # The benchmark's form: English sorted; gold = for each sorted English line, the line of its
        # translation in the non-English file (the reference queries with English).
        english_sorted = sorted(e for _, e in pairs)
        write(f"tatoeba/{lang}-en.{lang}", "".join(s + "\n" for s, _ in pairs))
        write(f"tatoeba/{lang}-en.en", "".join(e + "\n" for e in english_sorted))
        english_in_pair_order = [e for _, e in pairs]
        write(f"labels/tatoeba/test-{lang}.tsv", "".join(f"{english_in_pair_order.index(e)}\n" for e in english_sorted))


# ------------------------------------------------------------------------------ XTREME-R: XCOPA, COPA, SocialIQA
# (cause, effect) events; {p} is a person. A premise asks for its effect (or cause); the wrong choice is
# another event's effect (cause), so the right one is the event's other half, in every language.
COPA_EVENTS = {
    "en": [("{p} was hungry.", "{p} ate some bread."), ("{p} was tired.", "{p} went to bed early."),
           ("It started to rain.", "{p} opened an umbrella."), ("{p} dropped the glass.", "The glass broke."),
           ("{p} ran for an hour.", "{p} was thirsty."), ("The room was dark.", "{p} turned on the light.")],
    "zh": [("{p}饿了。", "{p}吃了一些面包。"), ("{p}累了。", "{p}很早就睡觉了。"), ("开始下雨了。", "{p}打开了雨伞。"),
           ("{p}把杯子掉在地上。", "杯子碎了。"), ("{p}跑了一个小时。", "{p}口渴了。"), ("房间里很黑。", "{p}打开了灯。")],
    "th": [("{p}หิว", "{p}กินขนมปัง"), ("{p}เหนื่อย", "{p}เข้านอนเร็ว"), ("ฝนเริ่มตก", "{p}กางร่ม"),
           ("{p}ทำแก้วตก", "แก้วแตก"), ("{p}วิ่งหนึ่งชั่วโมง", "{p}กระหายน้ำ"), ("ห้องมืด", "{p}เปิดไฟ")],
    "tr": [("{p} acıkmıştı.", "{p} biraz ekmek yedi."), ("{p} yorgundu.", "{p} erkenden yattı."),
           ("Yağmur yağmaya başladı.", "{p} şemsiyesini açtı."), ("{p} bardağı düşürdü.", "Bardak kırıldı."),
           ("{p} bir saat koştu.", "{p} susadı."), ("Oda karanlıktı.", "{p} ışığı açtı.")],
}
COPA_NAMES = {"en": [p["en"] for p in PEOPLE], "zh": [p["zh"] for p in PEOPLE],
              "th": ["สมชาย", "มาลี", "วิชัย", "สุดา"], "tr": ["Ayşe", "Mehmet", "Elif", "Can"]}

SIQA = [  # (context, question, right answer, wrong answers); {a} and {b} are people
    ("{a} gave {b} a present.", "How would {b} feel as a result?", "thankful", ("angry", "sleepy")),
    ("{a} forgot to water the plants.", "What will happen to the plants?", "they will dry out",
     ("they will sing", "they will grow wings")),
    ("{a} studied all night for the exam.", "How would {a} feel the next morning?", "tired",
     ("rested", "bored with music")),
    ("{a} helped {b} carry boxes to a new flat.", "What will {b} want to do next?", "thank {a}",
     ("sell the flat", "hide the boxes")),
    ("{a} won the chess match against {b}.", "How would {a} feel afterwards?", "proud", ("ashamed", "hungry")),
]


def write_jsonl(path: str, rows) -> None:
    write(path, "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))


def copa_rows(lang: str, count: int, seed: str, xcopa: bool = True) -> list[dict]:
    """COPA-form rows; ``xcopa`` adds XCOPA's ``changed`` field (SuperGLUE's English COPA has none)."""
    r = rng(seed)
    events = COPA_EVENTS[lang]
    rows = []
    for i in range(count):
        k, other = r.sample(range(len(events)), 2)
        question = r.choice(("cause", "effect"))
        person = r.choice(COPA_NAMES[lang])
        cause, effect = events[k]
        premise, right = (cause, effect) if question == "effect" else (effect, cause)
        wrong = events[other][1 if question == "effect" else 0]
        label = r.randrange(2)
        first, second = (right, wrong) if label == 0 else (wrong, right)
        row = {"premise": premise.format(p=person), "choice1": first.format(p=person),
               "choice2": second.format(p=person), "question": question, "idx": i, "label": label}
        if xcopa:
            row["changed"] = False
        rows.append(row)
    return rows


def siqa_rows(count: int, seed: str) -> list[dict]:
    """SocialIQA v1.4 rows: context, question, answerA-C and the letter of the right one."""
    r = rng(seed)
    rows = []
    for i in range(count):
        context, question, right, wrong = SIQA[i % len(SIQA)]
        a, b = (p["en"].split(" ")[0] for p in r.sample(PEOPLE, 2))
        answers = [right, *wrong]
        r.shuffle(answers)
        row = {"context": context.format(a=a, b=b), "question": question.format(a=a, b=b)}
        row.update({f"answer{letter}": text.format(a=a, b=b) for letter, text in zip("ABC", answers)})
        row["correct"] = "ABC"[answers.index(right)]
        rows.append(row)
    return rows


def make_xcopa() -> None:
    # English COPA as the download script leaves it (train/val-en.jsonl), XCOPA's val and test per language.
    write_jsonl("xcopa/train-en.jsonl", copa_rows("en", 80, "copa-train", xcopa=False))
    write_jsonl("xcopa/val-en.jsonl", copa_rows("en", 20, "copa-val", xcopa=False))
    for lang in XCOPA_LANGS:
        write_jsonl(f"xcopa/val-{lang}.jsonl", copa_rows(lang, 10, f"xcopa-val-{lang}"))
        write_jsonl(f"xcopa/test-{lang}.jsonl", copa_rows(lang, 16, f"xcopa-test-{lang}"))
    write_jsonl("siqa/socialIQa_v1.4_trn.jsonl", siqa_rows(60, "siqa-train"))
    write_jsonl("siqa/socialIQa_v1.4_dev.jsonl", siqa_rows(15, "siqa-dev"))


# ----------------------------------------------------------------------------------------- Mewsli-X
SENTENCE = re.compile(r"[^\s.。][^.。]*[.。]")  # the sample's sentences end in "." or "。"
SYLLABLES = ("ka", "lo", "mi", "ren", "ta", "vo", "shi", "dan", "el", "ru", "pa", "ne", "to", "bri", "gal", "mor",
             "sen", "fi", "ul", "zar")
MEWSLIX_NEWS = {  # passages of pieces: text, or a slot {per} / {loc} / {org} for a mentioned entity
    "de": [["{per}", " hielt am Montag in ", "{loc}", " eine Rede. Sie arbeitet seit Jahren für ", "{org}", "."],
           ["{org}", " eröffnete ein neues Büro in ", "{loc}", ". Geleitet wird es von ", "{per}", "."]],
    "ja": [["{per}", "は月曜日に", "{loc}", "で講演した。彼女は長年", "{org}", "で働いている。"],
           ["{org}", "は", "{loc}", "に新しい事務所を開いた。責任者は", "{per}", "である。"]],
    "ar": [["ألقت ", "{per}", " كلمة في ", "{loc}", " يوم الاثنين. وهي تعمل منذ سنوات في ", "{org}", "."],
           ["افتتحت ", "{org}", " مكتبا جديدا في ", "{loc}", ". وتتولى ", "{per}", " إدارتها."]],
}
WIKIPEDIA_CONTEXTS = [["{e}", " was in the local news on Monday. The report was short."],
                      ["Yesterday a reporter wrote about ", "{e}", ". Readers liked the article."],
                      ["Many visitors asked about ", "{e}", " last year."]]


def sentence_spans(text: str) -> list[dict]:
    return [{"start": m.start(), "end": m.end()} for m in SENTENCE.finditer(text)]


def compose(pieces: list[str], fill: dict[str, str]) -> tuple[str, dict[str, tuple[int, int]]]:
    """The passage's text and where each slot's text is in it."""
    text, where = "", {}
    for piece in pieces:
        if piece in fill:
            where[piece] = (len(text), len(text) + len(fill[piece]))
            piece = fill[piece]
        text += piece
    return text, where


def entity_json(qid: str, title: str, description: str) -> dict:
    return {"entity_id": qid, "title": title, "description": description,
            "sentence_spans": sentence_spans(description), "description_language": "en",
            "description_url": f"https://example.org/wiki/{title.replace(' ', '_')}"}


def mewslix_entities() -> tuple[list[dict], dict[str, list[str]], list[tuple[str, str]]]:
    """The candidate set (in file order), the QIDs of the mentioned people/cities/organisations by slot,
    and (QID, English name) of every entity (for the English training pairs)."""
    r = rng("mewslix-entities")
    entities, by_slot, names = [], {"{per}": [], "{loc}": [], "{org}": []}, []

    def add(slot, title, description, mention=None):
        qid = f"Q{900000001 + len(entities)}"
        entities.append(entity_json(qid, title, description))
        names.append((qid, mention or title))
        if slot:
            by_slot[slot].append(qid)

    def aliases(row):
        other = list(dict.fromkeys(row[lang] for lang in MEWSLIX_LANGS if row[lang] != row["en"]))
        return f" ({'; '.join(other)})" if other else ""

    for person in PEOPLE:
        job, city, org = r.choice(JOBS)["en"], r.choice(CITIES)["en"], r.choice(ORGS)["en"]
        add("{per}", person["en"], f"{person['en']}{aliases(person)} is a {job} who lives in {city}. "
                                   f"She works for {org}.")
    for city in CITIES:
        add("{loc}", city["en"], f"{city['en']}{aliases(city)} is a city where several people of this sample live.")
    for org in ORGS:
        first, second = (c["en"] for c in r.sample(CITIES, 2))
        add("{org}", org["en"], f"{org['en']}{aliases(org)} is a company with offices in {first} and {second}.")
    def word(parts: int) -> str:
        return "".join(r.choice(SYLLABLES) for _ in range(parts)).capitalize()

    seen = {e["title"] for e in entities}
    while len(entities) < 300:  # invented distractors: people, villages, rivers, music groups
        kind, name = r.choice(("person", "village", "river", "band")), word(r.randint(2, 3))
        title = {"person": f"{name} {word(2)}", "river": f"{name} (river)", "band": f"{name} (band)"}.get(kind, name)
        if title in seen:
            continue
        seen.add(title)
        mention = title.split(" (")[0]
        description = {
            "person": f"{mention} is a {r.choice(JOBS)['en']} from the village of {word(2)}.",
            "village": f"{name} is a small village on the river {word(2)}.",
            "river": f"The {name} is a river that flows into Lake {word(2)}.",
            "band": f"{name} is a music group founded in {r.randint(1960, 2015)}. It has released {r.randint(2, 9)} "
                    "albums.",
        }[kind]
        add(None, title, description, mention)
    return entities, by_slot, names


def news_passages(lang: str, split: str, count: int, by_slot: dict[str, list[str]]):
    """``count`` passages of ``lang`` as (mentions line, {example id: [gold QID]})."""
    r = rng(f"mewslix-{split}-{lang}")
    rows = {"{per}": PEOPLE, "{loc}": CITIES, "{org}": ORGS}
    lines, labels = [], {}
    for n in range(count):
        picks = {slot: r.randrange(len(table)) for slot, table in rows.items()}
        text, where = compose(MEWSLIX_NEWS[lang][n % 2], {slot: rows[slot][i][lang] for slot, i in picks.items()})
        context = {"document_title": f"Sample news {n + 1}", "document_url": f"https://example.org/news/{lang}/{split}-{n + 1}",
                   "document_id": f"news-{lang}-{split}-{n + 1}", "language": lang, "text": text,
                   "sentence_spans": sentence_spans(text)}
        mentions = []
        for slot, (start, end) in sorted(where.items(), key=lambda item: item[1]):
            example_id = hashlib.md5(f"mewslix-{split}-{lang}-{n}-{slot}".encode()).hexdigest()
            qid = by_slot[slot][picks[slot]]
            mentions.append({"example_id": example_id, "mention_span": {"start": start, "end": end, "text": text[start:end]},
                             "entity_id": qid})
            labels[example_id] = [qid]
        lines.append({"context": context, "mentions": mentions})
    return lines, labels


def wikipedia_pairs(split: str, count: int, entities: list[dict], names: list[tuple[str, str]]) -> list[dict]:
    """English mention-entity pairs: the mentioned entities first, then distractors, each in a short passage."""
    r = rng(f"mewslix-pairs-{split}")
    by_id = {e["entity_id"]: e for e in entities}
    mentioned = sum(len(table) for table in (PEOPLE, CITIES, ORGS))
    chosen = names[:mentioned] + r.sample(names[mentioned:], count - mentioned) if split == "train" else \
        r.sample(names, count)
    pairs = []
    for i, (qid, name) in enumerate(chosen):
        text, where = compose(WIKIPEDIA_CONTEXTS[i % len(WIKIPEDIA_CONTEXTS)], {"{e}": name})
        start, end = where["{e}"]
        context = {"document_title": name, "document_url": f"https://example.org/wiki/{name.replace(' ', '_')}",
                   "document_id": f"wiki-{split}-{i + 1}", "language": "en", "text": text,
                   "sentence_spans": sentence_spans(text)}
        mention = {"example_id": hashlib.md5(f"wikipedia-{split}-{i}".encode()).hexdigest(),
                   "mention_span": {"start": start, "end": end, "text": name}, "entity_id": qid}
        pairs.append({"contextual_mention": {"context": context, "mention": mention}, "entity": by_id[qid]})
    return pairs


def make_mewslix() -> None:
    entities, by_slot, names = mewslix_entities()
    order = list(entities)
    rng("mewslix-candidate-order").shuffle(order)
    write_jsonl("mewslix/candidate_set_entities.jsonl", order)
    for lang in MEWSLIX_LANGS:
        for split, count in (("dev", 4), ("test", 5)):
            lines, labels = news_passages(lang, split, count, by_slot)
            write_jsonl(f"mewslix/wikinews_mentions/{split}-{lang}.jsonl", lines)
            write(f"mewslix/wikinews_labels/{split}-{lang}.json", json.dumps(labels) + "\n")
    write_jsonl("mewslix/wikipedia_pairs-train.jsonl", wikipedia_pairs("train", 60, entities, names))
    write_jsonl("mewslix/wikipedia_pairs-dev.jsonl", wikipedia_pairs("dev", 15, entities, names))


# ----------------------------------------------------------------------------------- LAReQA (XQuAD-R)
def xquad_r_file(lang: str, paragraphs: int) -> dict:
    """XQuAD-R form: the QA templates with sentence breaks; the same draws in every language, so the
    paragraphs are translations of one another and a question keeps its id across languages."""
    r = rng("lareqa")
    template, questions = QA[lang]
    articles = []
    for n in range(paragraphs):
        fill = {"p": r.choice(PEOPLE)[lang], "c": r.choice(CITIES)[lang], "y": str(r.randint(1950, 1999)),
                "o": r.choice(ORGS)[lang], "j": r.choice(JOBS)[lang]}
        context = template.format(**fill)
        breaks = [[span["start"], span["end"]] for span in sentence_spans(context)]
        qas = [{"answers": [{"answer_start": context.index(fill[slot]), "text": fill[slot]}],
                "id": hashlib.sha1(f"lareqa-{n}-{slot}".encode()).hexdigest()[:24],
                "question": question.format(**fill)} for question, slot in questions]
        paragraph = {"context": context, "qas": qas, "sentence_breaks": breaks,
                     "sentences": [context[start:end] for start, end in breaks]}
        if n % 2 == 0:
            articles.append({"paragraphs": [], "title": f"Sample article {n // 2 + 1}"})
        articles[-1]["paragraphs"].append(paragraph)
    return {"data": articles, "version": "1.1"}


def make_lareqa() -> None:
    for lang in LAREQA_LANGS:
        write_json(f"lareqa/xquad-r/{lang}.json", xquad_r_file(lang, 6))


# ------------------------------------------------------------------------------------------ gold labels
TEST_LANGUAGES = {"xnli": SAMPLE_LANGS, "pawsx": SAMPLE_LANGS, "udpos": SAMPLE_LANGS + UDPOS_R_LANGS,
                  "panx": SAMPLE_LANGS + PANX_R_LANGS, "xquad": SAMPLE_LANGS + XQUAD_R_LANGS, "mlqa": SAMPLE_LANGS,
                  "tydiqa": TYDIQA_LANGS, "bucc2018": BUCC_LANGS, "xcopa": XCOPA_LANGS, "mewslix": MEWSLIX_LANGS,
                  "lareqa": LAREQA_LANGS}

def make_labels() -> None:
    """labels/{task}/test-{lang}.{ext}: the test gold of every task in the leaderboard's layout, so that
    `xtreme score-submission SUBMISSION harness_tasks/sample_data/labels` scores a run on the sample.

    Read back through the package's readers and written by its label writer, so the labels are exactly
    what `xtreme score` scores against. Tatoeba's come from make_tatoeba, computed from the pairs
    directly: they are what the sorted form's reader reads, and the tests compare that with the aligned form.
    """
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository, when not installed
    from evaluators.tasks import get_task
    from harness_tasks.readers import load_split
    from harness_tasks.submission_writer import format_labels

    for task, languages in TEST_LANGUAGES.items():
        spec = get_task(task)
        for lang in languages:
            write(f"labels/{spec.submission_file(lang)}", format_labels(task, load_split(task, lang, "test", OUT)))


def main() -> None:
    make_xnli()
    make_pawsx()
    make_udpos()
    make_panx()
    make_qa()
    make_bucc()
    make_tatoeba()
    make_xcopa()
    make_mewslix()
    make_lareqa()
    make_labels()


if __name__ == "__main__":
    main()
