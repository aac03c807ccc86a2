"""Write held-out XTREME-R submission cases, and (with ``--reference``) the reference scorer's numbers for them.

A case is a folder with ``predictions/`` and ``labels/`` in the public leaderboard layout
(``{task}/test-{lang}.{ext}``) for every XTREME-R task and every language of it: a few examples per
language, drawn from a fixed seed, with the edge cases that decide the last digit (partly right spans,
articles and punctuation, Mewsli-X gold at rank 1, 20, 21 or absent, duplicate predictions, several gold
entities, LAReQA questions with many targets, non-Latin scripts, ...).

    python tests/make_xtreme_r_cases.py tests/fixtures/xtreme_r_cases/case1 --seed 1
    python tests/make_xtreme_r_cases.py tests/fixtures/xtreme_r_cases/case1 --seed 1 \\
        --reference /tmp/xtreme_ref --python python3 --python /tmp/venv-seqeval0012/bin/python

``--reference DIR`` is a scratch copy of google-research/xtreme holding ``evaluate.py`` and
``third_party/`` (never copied into this repository). For each ``--python`` (default: this interpreter)
it runs ``evaluate.py --xtreme_version xtreme-r`` and stores its output file byte for byte as
``expected.seqeval-<version of seqeval in that interpreter>.json``. The reference cannot score LAReQA
from files (no language list, no reader, and with every task present it crashes computing ``all_task``),
so LAReQA is hidden from that run and scored apart with the reference's own
``utils_lareqa.average_precision_at_k`` into ``expected.lareqa.json``. ``provenance.json`` records the
commands, the reference commit and the seqeval versions.

The task and language tables here are written out independently of the product's declarations on
purpose: a held-out case must not inherit a mistake from the code it tests.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# XTREME-R test languages per task, in the reference scorer's order (XTREME_R_TASK2LANGS). The reference
# lists no LAReQA languages; these are XQuAD-R's eleven.
TASK_LANGUAGES = {
    "xnli": "ar bg de el en es fr hi ru sw th tr ur vi zh",
    "panx": "ar he vi id jv ms tl eu ml ta te af nl en de el bn hi mr ur fa fr it pt es bg ru ja ka ko th sw "
            "yo my zh kk tr et fi hu qu pl uk az lt pa gu ro",
    "udpos": "af ar bg de el en es et eu fa fi fr he hi hu id it ja kk ko mr nl pt ru ta te th tl tr ur vi yo "
             "zh lt pl uk wo ro",
    "tatoeba": "ar he vi id jv tl eu ml ta te af nl de el bn hi mr ur fa fr it pt es bg ru ja ka ko th sw zh "
               "kk tr et fi hu az lt pl uk ro",
    "xcopa": "et ht id it qu sw ta th tr vi zh",
    "lareqa": "ar de el en es hi ru th tr vi zh",
    "mewslix": "ar de en es fa ja pl ro ta tr uk",
    "xquad": "en es de el ru tr ar vi th zh hi ro",
    "mlqa": "en es de ar hi vi zh",
    "tydiqa": "en ar bn fi id ko ru sw te",
}
TASK_LANGUAGES = {task: tuple(langs.split()) for task, langs in TASK_LANGUAGES.items()}
EXTENSION = {"xnli": "tsv", "panx": "tsv", "udpos": "tsv", "tatoeba": "tsv", "xcopa": "jsonl",
             "lareqa": "json", "mewslix": "json", "xquad": "json", "mlqa": "json", "tydiqa": "json"}
TOP_K = 20  # Mewsli-X and LAReQA look at the top 20 predictions only

# --- text in each language's script ------------------------------------------------------------------

LATIN = "abcdefghijklmnoprstuvwyz"
LETTERS = {
    "de": LATIN + "äöüß", "es": LATIN + "áéíñóú", "tr": LATIN + "çğıöşü", "ro": LATIN + "ăâîșț",
    "vi": LATIN + "ăâđêôơưạếồữ", "fi": LATIN + "äö",
    "ar": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي", "el": "αβγδεζηθικλμνξοπρστυφχψω",
    "ru": "абвгдежзийклмнопрстуфхцчшщыэюя",
}
# Scripts built from a consonant and an optional vowel sign (first string consonants, second signs).
ABUGIDA = {
    "hi": ("कखगघचछजझटठडढणतथदधनपफबभमयरलवशसह", "ािीुूेैोौ"),
    "bn": ("কখগঘচছজঝটঠডঢণতথদধনপফবভমযরলশষসহ", "ািীুূেৈোৌ"),
    "te": ("కఖగఘచఛజఝటఠడఢణతథదధనపఫబభమయరలవశషసహ", "ాిీుూెేైొోౌ"),
    "th": ("กขคฆงจฉชซญดตถทธนบปผพฟภมยรลวศษสหอฮ", "ัาำิีึืุู"),
}
HAN = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本"
       "去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
       "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权"
       "收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连"
       "断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严")
HANGUL_FIRST, HANGUL_LAST = 0xAC00, 0xD7A3
UNSPACED = {"zh", "th"}  # written without spaces between words
SENTENCE_END = {"zh": "。", "ar": ".", "hi": "।", "bn": "।", "th": " "}
# Function words a normaliser may drop (SQuAD drops a/an/the in every language; MLQA per language).
ARTICLES = {"en": ("the", "a", "an"), "es": ("el", "la", "los", "un", "una", "a"),
            "de": ("der", "die", "das", "ein", "einem"), "vi": ("của", "là", "những", "cái"),
            "ro": ("a",), "ar": ("ال",)}


def make_word(rng: random.Random, lang: str) -> str:
    if lang == "zh":
        return "".join(rng.choice(HAN) for _ in range(rng.randint(1, 3)))
    if lang == "ko":
        return "".join(chr(rng.randint(HANGUL_FIRST, HANGUL_LAST)) for _ in range(rng.randint(1, 3)))
    if lang in ABUGIDA:
        consonants, signs = ABUGIDA[lang]
        return "".join(rng.choice(consonants) + (rng.choice(signs) if rng.random() < 0.6 else "")
                       for _ in range(rng.randint(1, 3)))
    word = "".join(rng.choice(LETTERS.get(lang, LATIN)) for _ in range(rng.randint(2, 8)))
    if lang == "ar" and rng.random() < 0.4:
        word = "ال" + word  # MLQA deletes this letter pair anywhere in a word
    return word


def make_sentence(rng: random.Random, lang: str) -> list[str]:
    words = [make_word(rng, lang) for _ in range(rng.randint(5, 10))]
    for article in ARTICLES.get(lang, ()):
        if lang != "ar" and rng.random() < 0.35:
            words.insert(rng.randrange(len(words)), article)
    if lang == "tr" and rng.random() < 0.5:
        words.insert(rng.randrange(len(words)), "İstanbul")  # lower() of İ is two code points
    if lang not in UNSPACED and lang not in ("ar", "el", "ru", "hi", "bn", "te", "ko"):
        words[0] = words[0][:1].upper() + words[0][1:]
    return words


def join_words(lang: str, words: list[str]) -> str:
    return ("" if lang in UNSPACED else " ").join(words)


# --- classification, retrieval by index, multiple choice ---------------------------------------------

NLI_LABELS = ("entailment", "neutral", "contradiction")


def noisy_copy(rng: random.Random, gold: list, choices, wrong_rate: float) -> list:
    """``gold`` with about ``wrong_rate`` of its items replaced by another item of ``choices``."""
    out = []
    for item in gold:
        if rng.random() < wrong_rate:
            item = rng.choice([c for c in choices if c != item])
        out.append(item)
    return out


def xnli_files(rng: random.Random, lang: str) -> tuple[str, str]:
    gold = [rng.choice(NLI_LABELS) for _ in range(rng.randint(5, 9))]
    pred = noisy_copy(rng, gold, NLI_LABELS, 0.4)
    return "".join(p + "\n" for p in pred), "".join(g + "\n" for g in gold)


def tatoeba_files(rng: random.Random, lang: str) -> tuple[str, str]:
    size = rng.randint(6, 10)
    gold = rng.sample(range(1000), size)
    pred = noisy_copy(rng, gold, range(1000), 0.35)
    lines = [str(p) for p in pred]
    padded = rng.randrange(size)
    lines[padded] = f" {lines[padded]} "  # the reference strips every line before comparing
    return "".join(line + "\n" for line in lines), "".join(f"{g}\n" for g in gold)


def xcopa_files(rng: random.Random, lang: str) -> tuple[str, str]:
    pred_lines, gold_lines = [], []
    for idx in range(rng.randint(5, 9)):
        label = rng.randint(0, 1)
        gold_lines.append(json.dumps({
            "premise": join_words(lang, make_sentence(rng, lang)),
            "choice1": join_words(lang, make_sentence(rng, lang)[:4]),
            "choice2": join_words(lang, make_sentence(rng, lang)[:4]),
            "question": rng.choice(("cause", "effect")), "idx": idx, "label": label, "changed": False,
        }, ensure_ascii=False))
        # The reference's XCOPA trainer writes one {"label": int} per line.
        pred_lines.append(json.dumps({"label": label if rng.random() < 0.6 else 1 - label}))
    return "".join(p + "\n" for p in pred_lines), "".join(g + "\n" for g in gold_lines)


# --- tagging -----------------------------------------------------------------------------------------

ENTITY_TYPES = ("PER", "ORG", "LOC")
UPOS = ("ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN", "PUNCT",
        "SCONJ", "SYM", "VERB", "X")
# Tag pairs that seqeval 0.0.12 and 1.x chunk differently, so both modes are exercised.
MODE_SPLITTING_PAIRS = (("X", "X"), ("SCONJ", "CCONJ"), ("INTJ", "INTJ"), ("SYM", "SCONJ"), ("PROPN", "PRON"))


def ner_sentence(rng: random.Random) -> list[str]:
    tags: list[str] = []
    for _ in range(rng.randint(3, 10)):
        if rng.random() < 0.3:
            kind = rng.choice(ENTITY_TYPES)
            tags += [f"B-{kind}"] + [f"I-{kind}"] * rng.randint(0, 2)
        else:
            tags.append("O")
    return tags


def spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """IOB2 entities as (start, end, type) of a well-formed gold sequence."""
    found, start = [], None
    for i, tag in enumerate(tags + ["O"]):
        if start is not None and not tag.startswith("I-"):
            found.append((start, i, tags[start][2:]))
            start = None
        if tag.startswith("B-"):
            start = i
    return found


def perturb_ner(rng: random.Random, gold: list[str]) -> list[str]:
    """A prediction with the kinds of mistakes taggers make: wrong type, wrong boundary, missed, invented,
    and an entity that starts with I- (invalid IOB2, which seqeval reads as a start)."""
    pred = list(gold)
    for start, end, kind in spans(gold):
        roll = rng.random()
        if roll < 0.15:
            other = rng.choice([t for t in ENTITY_TYPES if t != kind])
            pred[start:end] = [f"B-{other}"] + [f"I-{other}"] * (end - start - 1)
        elif roll < 0.3:
            pred[start:end] = ["O"] * (end - start)
        elif roll < 0.4 and end - start > 1:
            pred[end - 1] = "O"
        elif roll < 0.5 and end < len(pred) and pred[end] == "O":
            pred[end] = f"I-{kind}"
        elif roll < 0.6:
            pred[start] = f"I-{kind}"
    if rng.random() < 0.3:
        free = [i for i, t in enumerate(pred) if t == "O"]
        if free:
            pred[rng.choice(free)] = f"B-{rng.choice(ENTITY_TYPES)}"
    return pred


def pos_sentence(rng: random.Random) -> list[str]:
    tags = [rng.choice(UPOS) for _ in range(rng.randint(3, 12))]
    if rng.random() < 0.6:
        at = rng.randrange(len(tags))
        tags[at:at] = list(rng.choice(MODE_SPLITTING_PAIRS))
    return tags


def tag_files(sentences_pred: list[list[str]], sentences_gold: list[list[str]]) -> tuple[str, str]:
    def render(sentences):
        return "\n".join("".join(tag + "\n" for tag in sentence) for sentence in sentences)
    return render(sentences_pred), render(sentences_gold)


def panx_files(rng: random.Random, lang: str, no_entities: bool) -> tuple[str, str]:
    count = rng.randint(3, 6)
    if no_entities:  # no gold and no predicted entity: seqeval scores 0, not 100
        gold = [["O"] * rng.randint(3, 8) for _ in range(count)]
        return tag_files(gold, gold)
    gold = [ner_sentence(rng) for _ in range(count)]
    return tag_files([perturb_ner(rng, g) for g in gold], gold)


def udpos_files(rng: random.Random, lang: str) -> tuple[str, str]:
    gold = [pos_sentence(rng) for _ in range(rng.randint(3, 6))]
    return tag_files([noisy_copy(rng, g, UPOS, 0.2) for g in gold], gold)


# --- span QA (XQuAD, MLQA, TyDiQA-GoldP) -------------------------------------------------------------

QA_VARIANTS = ("exact", "case_punct", "superset", "subset", "shift", "wrong", "empty", "missing", "article",
               "unicode_punct", "whitespace", "exact")


def qa_prediction(rng: random.Random, lang: str, variant: str, words: list[str], i: int, j: int,
                  other: list[str]) -> str | None:
    """A prediction for the gold span words[i:j]; None means the question is left unanswered."""
    answer = join_words(lang, words[i:j])
    if variant == "missing":
        return None
    if variant == "case_punct":
        return answer.upper() + "."
    if variant == "superset":
        return join_words(lang, words[max(0, i - 1):j + 1])
    if variant == "subset":
        return join_words(lang, words[i:j - 1]) if j - i > 1 else join_words(lang, words[i:j + 1])
    if variant == "shift":
        return join_words(lang, words[i + 1:j + 1]) or join_words(lang, words[i - 1:i])
    if variant == "wrong":
        start = rng.randrange(len(other))
        return join_words(lang, other[start:start + rng.randint(1, 3)])
    if variant == "empty":
        return ""
    if variant == "article":
        article = rng.choice(ARTICLES.get(lang, ("the",)))
        return article + answer if lang == "ar" else f"{article} {answer}"
    if variant == "unicode_punct":
        return f"「{answer}」" if lang == "zh" else f"«{answer}»"
    if variant == "whitespace":
        return f"  {answer} \n"
    return answer


def qa_files(rng: random.Random, lang: str, task: str) -> tuple[str, str]:
    predictions: dict[str, str] = {}
    articles = []
    variants = list(QA_VARIANTS)
    rng.shuffle(variants)
    for article_no in range(2):
        paragraphs = []
        for _ in range(1 if task == "tydiqa" else 2):
            sentences = [make_sentence(rng, lang) for _ in range(3)]
            end = SENTENCE_END.get(lang, ".")
            texts = [join_words(lang, s) + end for s in sentences]
            glue = "" if lang == "zh" else " "
            context = glue.join(texts).rstrip()
            offsets = [sum(len(t) + len(glue) for t in texts[:n]) for n in range(3)]
            qas = []
            for _ in range(rng.randint(2, 3)):
                s = rng.randrange(3)
                words = sentences[s]
                i = rng.randrange(len(words))
                j = min(len(words), i + rng.randint(1, 4))
                answer = join_words(lang, words[i:j])
                start = offsets[s] + len(join_words(lang, words[:i])) + (0 if lang in UNSPACED or i == 0 else 1)
                assert context[start:start + len(answer)] == answer
                golds = [{"answer_start": start, "text": answer}]
                if rng.random() < 0.3 and j - i > 1:  # a second gold answer: scores take the best one
                    shorter = join_words(lang, words[i + 1:j])
                    golds.append({"answer_start": start + len(answer) - len(shorter), "text": shorter})
                qid = question_id(rng, lang, task)
                qas.append({"answers": golds, "id": qid, "question": join_words(lang, make_sentence(rng, lang))})
                variant = variants.pop() if variants else rng.choice(QA_VARIANTS)
                other = sentences[(s + 1) % 3]
                prediction = qa_prediction(rng, lang, variant, words, i, j, other)
                if prediction is not None:
                    predictions[qid] = prediction
            paragraphs.append({"context": context, "qas": qas})
        articles.append({"paragraphs": paragraphs, "title": f"{task}-{lang}-{article_no}"})
    if lang in CASE_TRAPS:
        gold_text, predicted = CASE_TRAPS[lang]
        before = make_word(rng, lang)
        qid = question_id(rng, lang, task)
        articles[-1]["paragraphs"].append({"context": f"{before} {gold_text} {make_word(rng, lang)}.", "qas": [{
            "answers": [{"answer_start": len(before) + 1, "text": gold_text}], "id": qid,
            "question": join_words(lang, make_sentence(rng, lang))}]})
        predictions[qid] = predicted
    predictions[question_id(rng, lang, task)] = "not a gold question"  # the reference ignores unknown ids
    version = {"xquad": "1.1", "mlqa": "1.0", "tydiqa": "TyDiQA-GoldP-1.1-for-SQuAD-1.1"}[task]
    return dump_json(predictions), dump_json({"data": articles, "version": version})


# Case changes that lower() and casefold() treat differently (the reference lowers): "STRASSE".lower()
# is not "straße"; "ISTANBUL".lower() is not "İstanbul".lower() (a dotted i, two code points).
CASE_TRAPS = {"de": ("Straße", "STRASSE"), "tr": ("İstanbul", "ISTANBUL")}

TYDI_NAMES = {"en": "english", "ar": "arabic", "bn": "bengali", "fi": "finnish", "id": "indonesian",
              "ko": "korean", "ru": "russian", "sw": "swahili", "te": "telugu"}


def question_id(rng: random.Random, lang: str, task: str) -> str:
    if task == "tydiqa":
        return f"{TYDI_NAMES[lang]}-{rng.getrandbits(63)}-{rng.randint(0, 9)}"
    digits = 40 if task == "mlqa" else 24
    return f"{rng.getrandbits(4 * digits):0{digits}x}"


# --- Mewsli-X ------------------------------------------------------------------------------------------

MEWSLIX_SCENARIOS = ("rank1", "rank20", "rank21", "absent", "middle", "duplicates", "second_gold_only",
                     "first_of_two_golds", "missing", "short_list", "over_20")


def entity(rng: random.Random) -> str:
    return f"Q{rng.randint(1, 99_999_999)}"


def mewslix_files(rng: random.Random, lang: str, padded_gold: bool) -> tuple[str, str]:
    """Gold is {example_id: [entity_id, ...]} (the reference reads only the first, stripped);
    predictions are {example_id: [ranked entity ids]} (the reference reads the first 20)."""
    gold: dict[str, list[str]] = {}
    predictions: dict[str, list[str]] = {}
    scenarios = list(MEWSLIX_SCENARIOS)
    rng.shuffle(scenarios)
    for scenario in scenarios[:rng.randint(7, len(scenarios))]:
        example_id = f"{rng.getrandbits(128):032x}"
        answer = entity(rng)
        golds = [answer]
        ranked = [entity(rng) for _ in range(TOP_K)]
        if scenario == "rank1":
            ranked[0] = answer
        elif scenario == "rank20":
            ranked[19] = answer
        elif scenario == "rank21":
            ranked.append(answer)  # 21 predictions: only the first 20 count
        elif scenario == "middle":
            ranked[rng.randint(1, 18)] = answer
        elif scenario == "duplicates":  # a repeated wrong entity still takes up a rank
            wrong = ranked[0]
            ranked[1] = wrong
            ranked[2] = wrong
            ranked[3] = answer
        elif scenario == "second_gold_only":  # only the first gold entity counts
            second = entity(rng)
            golds.append(second)
            ranked[0] = second
        elif scenario == "first_of_two_golds":
            golds.append(entity(rng))
            ranked[0] = golds[1]
            ranked[4] = answer
        elif scenario == "short_list":
            ranked = ranked[:5]
            ranked[4] = answer
        elif scenario == "over_20":
            ranked += [entity(rng) for _ in range(10)]
            ranked[rng.randint(0, 19)] = answer
        gold[example_id] = golds
        if scenario != "missing":
            predictions[example_id] = ranked
    if padded_gold:  # the reference strips the gold id (never the predicted ones)
        example_id = next(iter(gold))
        gold[example_id] = [f" {gold[example_id][0]} "] + gold[example_id][1:]
    predictions[f"{rng.getrandbits(128):032x}"] = [entity(rng)]  # an id without gold: ignored
    return dump_json(predictions), dump_json(gold)


# --- LAReQA ----------------------------------------------------------------------------------------------
# The reference scores LAReQA from embeddings, not from files, so the layout is ours, shaped like
# Mewsli-X's: per question language, labels {question id: [ids of every correct candidate sentence, in
# any language]}, predictions {question id: [ranked candidate ids]}. Candidate ids follow the
# reference's "{lang}_{paragraph}_{sentence}". Question ids are shared across languages (XQuAD-R is
# 11-way parallel): the reference pools (question id, language) pairs.

def lareqa_case(rng: random.Random) -> dict[str, tuple[str, str]]:
    langs = TASK_LANGUAGES["lareqa"]
    pool = {lang: [f"{lang}_{p}_{s}" for p in range(1, 4) for s in range(rng.randint(2, 4))] for lang in langs}
    every = [c for lang in langs for c in pool[lang]]
    questions = [f"{rng.getrandbits(96):024x}" for _ in range(4)]
    targets: dict[str, list[str]] = {}
    asked: dict[str, list[str]] = {}  # question id -> the languages it is asked in
    for n, qid in enumerate(questions):
        present = list(langs) if n != 1 else rng.sample(langs, 7)  # answers lost to sentence breaking
        if n == 3:  # more than 20 targets: AP divides by 20, not by the target count
            targets[qid] = [c for lang in langs for c in rng.sample(pool[lang], 2)]
        else:
            targets[qid] = [rng.choice(pool[lang]) for lang in present]
        asked[qid] = present
    pred_files, gold_files = {}, {}
    for lang in langs:
        predictions, gold = {}, {}
        for qid in questions:
            if lang not in asked[qid]:
                continue
            gold[qid] = targets[qid]
            style = {(questions[0], "en"): "perfect", (questions[2], "zh"): "repeated_target"}.get((qid, lang))
            predictions[qid] = lareqa_ranking(rng, targets[qid], every, style)
        pred_files[lang], gold_files[lang] = predictions, gold
    # One question left unanswered (scored as an empty ranking, like Mewsli-X's missing ids).
    lang = rng.choice([lang for lang in langs if lang not in ("en", "zh")])  # keep the two styled rankings
    del pred_files[lang][next(iter(pred_files[lang]))]
    return {lang: (dump_json(pred_files[lang]), dump_json(gold_files[lang])) for lang in langs}


def lareqa_ranking(rng: random.Random, targets: list[str], every: list[str], style: str | None) -> list[str]:
    """A ranked list with some targets inside the top 20, some below it, and sometimes a repeat;
    ``perfect``: every target first (AP 1); ``repeated_target``: a target seen twice counts once."""
    others = [c for c in every if c not in targets]
    length = rng.choice((10, 20, 20, 30))
    ranked = rng.sample(others, min(length, len(others)))
    if style == "perfect":
        return list(targets) + ranked
    if style == "repeated_target":
        return [ranked[0], targets[0], targets[0]] + ranked[1:] + list(targets[1:])
    for target in rng.sample(targets, rng.randint(0, len(targets))):
        ranked.insert(rng.randint(0, len(ranked)), target)
    if rng.random() < 0.4 and ranked:  # a repeated candidate counts once but takes up a rank
        at = rng.randint(1, min(len(ranked), TOP_K - 1))
        ranked.insert(at, ranked[rng.randrange(at)])
    return ranked


# --- writing a case --------------------------------------------------------------------------------------

def dump_json(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1) + "\n"


def write_case(case: Path, seed: int) -> None:
    rng = random.Random(seed)
    for side in ("predictions", "labels"):
        if (case / side).exists():
            shutil.rmtree(case / side)
    empty_panx = rng.choice(TASK_LANGUAGES["panx"])
    padded_mewslix = rng.choice(TASK_LANGUAGES["mewslix"])
    lareqa = lareqa_case(rng)
    for task, langs in TASK_LANGUAGES.items():
        for lang in langs:
            if task == "xnli":
                pred, gold = xnli_files(rng, lang)
            elif task == "tatoeba":
                pred, gold = tatoeba_files(rng, lang)
            elif task == "xcopa":
                pred, gold = xcopa_files(rng, lang)
            elif task == "panx":
                pred, gold = panx_files(rng, lang, no_entities=lang == empty_panx)
            elif task == "udpos":
                pred, gold = udpos_files(rng, lang)
            elif task == "mewslix":
                pred, gold = mewslix_files(rng, lang, padded_gold=lang == padded_mewslix)
            elif task == "lareqa":
                pred, gold = lareqa[lang]
            else:
                pred, gold = qa_files(rng, lang, task)
            name = f"{task}/test-{lang}.{EXTENSION[task]}"
            for side, text in (("predictions", pred), ("labels", gold)):
                path = case / side / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")


# --- running the reference ------------------------------------------------------------------------------

LAREQA_SCORER = r"""
import json, sys
import numpy as np
sys.path.insert(0, sys.argv[1] + "/third_party")
import utils_lareqa
case, langs = sys.argv[2], sys.argv[3].split()
per_question, every = {}, []
for lang in langs:
    with open(f"{case}/labels/lareqa/test-{lang}.json", encoding="utf-8") as f:
        gold = json.load(f)
    with open(f"{case}/predictions/lareqa/test-{lang}.json", encoding="utf-8") as f:
        predictions = json.load(f)
    scores = {qid: utils_lareqa.average_precision_at_k(targets, predictions.get(qid, []), 20)
              for qid, targets in gold.items()}
    per_question[lang] = scores
    every += list(scores.values())
print(json.dumps({
    "map@20": float(np.mean(every)),
    "map@20_per_language": {lang: float(np.mean(list(s.values()))) for lang, s in per_question.items()},
    "ap@20": per_question,
}))
"""


def run(command: list[str], cwd: Path | None = None) -> str:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-4000:]}")
    return done.stdout


def seqeval_version(python: str) -> str:
    return run([python, "-c", "import importlib.metadata as m; print(m.version('seqeval'))"]).strip()


def score_with_reference(case: Path, reference: Path, pythons: list[str]) -> None:
    reference = reference.resolve()
    commit = (reference / "COMMIT").read_text().strip() if (reference / "COMMIT").exists() else "unknown"
    provenance = {"reference": "google-research/xtreme evaluate.py --xtreme_version xtreme-r",
                  "reference_commit": commit, "runs": []}
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        for side in ("predictions", "labels"):
            shutil.copytree(case / side, scratch / side, ignore=shutil.ignore_patterns("lareqa"))
        for python in pythons:
            version = seqeval_version(python)
            output = scratch / f"out-{version}.json"
            command = [python, "evaluate.py", "--prediction_folder", str(scratch / "predictions"),
                       "--label_folder", str(scratch / "labels"), "--xtreme_version", "xtreme-r",
                       "--output_file", str(output)]
            run(command, cwd=reference)
            shutil.copyfile(output, case / f"expected.seqeval-{version}.json")
            # The scratch folder's name is random: record it by what it holds, so reruns write the same file.
            shown = [part.replace(str(scratch), "<case without lareqa>") for part in command]
            provenance["runs"].append({"seqeval": version, "python": python, "cwd": str(reference),
                                       "command": shown})
    lareqa = json.loads(run([pythons[0], "-c", LAREQA_SCORER, str(reference), str(case.resolve()),
                             " ".join(TASK_LANGUAGES["lareqa"])]))
    lareqa = {"how": "third_party/utils_lareqa.average_precision_at_k(targets, ranking, k=20) per question "
                     "(a question without a prediction gets an empty ranking); map@20 is numpy.mean over all "
                     "questions of all languages as utils_lareqa.mean_avg_prec_at_k pools them, a fraction "
                     "in [0, 1]; map@20_per_language is the same mean within one question language",
              "reference_commit": commit, **lareqa}
    (case / "expected.lareqa.json").write_text(json.dumps(lareqa, indent=2, ensure_ascii=False) + "\n")
    provenance["lareqa"] = {"python": pythons[0], "command": "LAREQA_SCORER in tests/make_xtreme_r_cases.py"}
    (case / "provenance.json").write_text(json.dumps(provenance, indent=2) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("case", type=Path, help="the case folder to write (predictions/, labels/, expected*)")
    parser.add_argument("--seed", type=int, help="write predictions/ and labels/ from this seed")
    parser.add_argument("--reference", type=Path,
                        help="a scratch copy of google-research/xtreme: score the case with it")
    parser.add_argument("--python", action="append", default=[],
                        help="an interpreter to run the reference with (repeatable; one per seqeval version)")
    args = parser.parse_args(argv)
    if args.seed is None and args.reference is None:
        parser.error("nothing to do: give --seed, --reference or both")
    if args.seed is not None:
        write_case(args.case, args.seed)
    if args.reference is not None:
        score_with_reference(args.case, args.reference, args.python or [sys.executable])
    return 0


if __name__ == "__main__":
    sys.exit(main())
