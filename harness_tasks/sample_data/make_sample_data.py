"""Write the bundled synthetic sample of every XTREME task, in the benchmark's raw download layout.

    python harness_tasks/sample_data/make_sample_data.py [OUTPUT_DIR]   (default: this script's folder)

Every sentence comes from the small template lexicon below, written for this project (no text from the real
datasets). The output is deterministic: fixed seeds, sorted iteration, "\\n" line ends. Test files keep
their labels (unlike the real download) so that the sample can be scored end to end.

Labels follow consistent surface patterns so a tiny model can learn them in a demo:
XNLI: the hypothesis template decides the label; PAWS-X: role swap = 0, rephrasing = 1;
UD-POS and PAN-X: fixed tag sequences per template; QA: answers are slot fillers of the context template.
"""

from __future__ import annotations

import csv
import json
import random
import sys
from pathlib import Path

OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent

# ----------------------------------------------------------------------------------------------- lexicon
# Invented people, real city names, invented organisations. Columns per language.
PEOPLE = [
    {"en": "Anna Berger", "de": "Anna Berger", "fr": "Anna Berger", "fi": "Anna Berger", "zh": "安娜·贝格尔", "ru": "Анна Бергер"},
    {"en": "Lena Vogt", "de": "Lena Vogt", "fr": "Lena Vogt", "fi": "Lena Vogt", "zh": "莉娜·福格特", "ru": "Лена Фогт"},
    {"en": "Maria Holm", "de": "Maria Holm", "fr": "Maria Holm", "fi": "Maria Holm", "zh": "玛丽亚·霍尔姆", "ru": "Мария Хольм"},
    {"en": "Clara Wendt", "de": "Clara Wendt", "fr": "Clara Wendt", "fi": "Clara Wendt", "zh": "克拉拉·文特", "ru": "Клара Вендт"},
    {"en": "Eva Lind", "de": "Eva Lind", "fr": "Eva Lind", "fi": "Eva Lind", "zh": "伊娃·林德", "ru": "Ева Линд"},
    {"en": "Nora Falk", "de": "Nora Falk", "fr": "Nora Falk", "fi": "Nora Falk", "zh": "诺拉·法尔克", "ru": "Нора Фальк"},
    {"en": "Ida Kramer", "de": "Ida Kramer", "fr": "Ida Kramer", "fi": "Ida Kramer", "zh": "伊达·克拉默", "ru": "Ида Крамер"},
    {"en": "Rosa Brandt", "de": "Rosa Brandt", "fr": "Rosa Brandt", "fi": "Rosa Brandt", "zh": "罗莎·布兰特", "ru": "Роза Брандт"},
]
CITIES = [
    {"en": "Vienna", "de": "Wien", "fr": "Vienne", "fi": "Wien", "zh": "维也纳", "ru": "Вена"},
    {"en": "Prague", "de": "Prag", "fr": "Prague", "fi": "Praha", "zh": "布拉格", "ru": "Прага"},
    {"en": "Lisbon", "de": "Lissabon", "fr": "Lisbonne", "fi": "Lissabon", "zh": "里斯本", "ru": "Лиссабон"},
    {"en": "Oslo", "de": "Oslo", "fr": "Oslo", "fi": "Oslo", "zh": "奥斯陆", "ru": "Осло"},
    {"en": "Madrid", "de": "Madrid", "fr": "Madrid", "fi": "Madrid", "zh": "马德里", "ru": "Мадрид"},
    {"en": "Dublin", "de": "Dublin", "fr": "Dublin", "fi": "Dublin", "zh": "都柏林", "ru": "Дублин"},
]
ORGS = [
    {"en": "Northwind Bank", "de": "Nordwind Bank", "fi": "Nordwind Bank", "zh": "北风银行", "ru": "Нордвинд"},
    {"en": "Bluefield Motors", "de": "Blaufeld Motoren", "fi": "Bluefield Motors", "zh": "蓝田汽车", "ru": "Блюфилд"},
    {"en": "Silverline Press", "de": "Silberlinie Verlag", "fi": "Silverline Press", "zh": "银线出版社", "ru": "Сильверлайн"},
    {"en": "Greenhill Foods", "de": "Grünhügel Lebensmittel", "fi": "Greenhill Foods", "zh": "绿山食品", "ru": "Гринхилл"},
]
JOBS = [
    {"en": "engineer", "de": "Ingenieurin", "fi": "insinööri", "zh": "工程师", "ru": "инженер"},
    {"en": "designer", "de": "Designerin", "fi": "suunnittelija", "zh": "设计师", "ru": "дизайнер"},
    {"en": "translator", "de": "Übersetzerin", "fi": "kääntäjä", "zh": "翻译", "ru": "переводчик"},
]

SAMPLE_LANGS = ("en", "de", "zh")  # pair, tagging, XQuAD and MLQA languages of the sample
TYDIQA_LANGS = ("en", "fi", "ru")
BUCC_LANGS = ("de", "fr", "zh")
TATOEBA_SAMPLE = {"de": "deu", "fr": "fra", "zh": "cmn"}


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


# --------------------------------------------------------------------------------------------- PAN-X
NER_TEMPLATES = {  # {per} / {loc} / {org} expand to B-/I- tagged tokens
    "en": [["{per}", "lives", "in", "{loc}", "."], ["{per}", "works", "for", "{org}", "."],
           ["{org}", "opened", "an", "office", "in", "{loc}", "."], ["The", "weather", "was", "warm", "today", "."]],
    "de": [["{per}", "wohnt", "in", "{loc}", "."], ["{per}", "arbeitet", "bei", "{org}", "."],
           ["{org}", "eröffnete", "ein", "Büro", "in", "{loc}", "."], ["Das", "Wetter", "war", "heute", "warm", "."]],
    "zh": [["{per}", "住在", "{loc}", "。"], ["{per}", "在", "{org}", "工作", "。"],
           ["{org}", "在", "{loc}", "开设", "了", "办事处", "。"], ["今天", "天气", "很", "暖和", "。"]],
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


# ------------------------------------------------------------------------------------------ gold labels
TEST_LANGUAGES = {"xnli": SAMPLE_LANGS, "pawsx": SAMPLE_LANGS, "udpos": SAMPLE_LANGS, "panx": SAMPLE_LANGS,
                  "xquad": SAMPLE_LANGS, "mlqa": SAMPLE_LANGS, "tydiqa": TYDIQA_LANGS, "bucc2018": BUCC_LANGS}


def make_labels() -> None:
    """labels/{task}/test-{lang}.{ext}: the test gold of every task in the leaderboard's layout, so that
    `xtreme score-submission SUBMISSION harness_tasks/sample_data/labels` scores a run on the sample.

    Read back through the package's readers and written by its label writer, so the labels are exactly
    what `xtreme score` scores against. Tatoeba's come from make_tatoeba, computed from the pairs
    directly: they are what the sorted form's reader reads, and the tests compare that with the aligned form.
    """
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository, when not installed
    from evaluators.benchmark import get_task
    from harness_tasks.readers import load_split
    from leaderboards.submission import format_labels

    for task, languages in TEST_LANGUAGES.items():
        for lang in languages:
            records = load_split(task, lang, "test", OUT)
            write(f"labels/{get_task(task).submission_file(lang)}", format_labels(task, records))


def main() -> None:
    make_xnli()
    make_pawsx()
    make_udpos()
    make_panx()
    make_qa()
    make_bucc()
    make_tatoeba()
    make_labels()


if __name__ == "__main__":
    main()
