"""harness_tasks.heads: the one head kind -> Auto class table, and bundle heads derived from the declarations."""

from __future__ import annotations

import pytest

from evaluators.task_spec import HEAD_KINDS
from evaluators.tasks import TASKS
from evaluators.tasks.training_data import COPA_EN, SOCIAL_IQA, SQUAD_V1
from harness_tasks import bundle, heads


def test_every_kind_loads_with_its_auto_class():
    import transformers

    assert {kind: heads.auto_class(kind) for kind in HEAD_KINDS} == {
        "sequence_classification": transformers.AutoModelForSequenceClassification,
        "token_classification": transformers.AutoModelForTokenClassification,
        "question_answering": transformers.AutoModelForQuestionAnswering,
        "multiple_choice": transformers.AutoModelForMultipleChoice,
        "encoder": transformers.AutoModel,
        "dual_encoder": transformers.AutoModel,
    }
    assert [kind for kind in HEAD_KINDS if heads.is_bare_encoder(kind)] == ["encoder", "dual_encoder"]
    with pytest.raises(ValueError) as err:
        heads.auto_class("seq2seq")
    assert str(err.value) == ("unknown head kind 'seq2seq'; expected one of sequence_classification, "
                              "token_classification, question_answering, multiple_choice, encoder, dual_encoder")


def test_the_bundle_layout_is_derived_from_the_declarations():
    assert bundle.HEAD_FOR_TASK is heads.HEAD_FOR_TASK and bundle.HEAD_KIND is heads.HEAD_KIND
    assert dict(heads.HEAD_FOR_TASK) == {name: spec.head for name, spec in TASKS.items()}
    xtreme = {task: heads.HEAD_FOR_TASK[task] for task in
              ("pawsx", "xnli", "udpos", "panx", "xquad", "mlqa", "tydiqa", "bucc2018", "tatoeba")}
    assert xtreme == {"pawsx": "pawsx", "xnli": "xnli", "udpos": "udpos", "panx": "panx", "xquad": "squad",
                      "mlqa": "squad", "tydiqa": "tydiqa", "bucc2018": "encoder", "tatoeba": "encoder"}
    # Every head a task is scored with has the kind that task declares.
    assert all(heads.HEAD_KIND[spec.head] == spec.head_kind for spec in TASKS.values())
    assert heads.tasks_of_head("squad") == ("xquad", "mlqa")
    assert heads.tasks_of_head("encoder") == ("bucc2018", "tatoeba")
    assert heads.HEAD_FOR_TASK["mlqa"] == TASKS["xquad"].head == "squad"


def test_trainable_heads_are_the_training_data_declarations():
    assert heads.TRAINING_HEADS["squad"] is SQUAD_V1
    # A head trained in stages is its last stage (the one its task names); the first stage is no head.
    assert heads.training_for("xcopa") is COPA_EN and COPA_EN.first == (SOCIAL_IQA,)
    assert list(heads.TRAINING_HEADS)[:6] == ["xnli", "pawsx", "udpos", "panx", "squad", "tydiqa"]
    assert list(heads.HEAD_KIND)[-1] == "encoder" and "encoder" not in heads.TRAINING_HEADS
    with pytest.raises(KeyError) as err:
        heads.training_for("xquad")
    assert err.value.args[0].startswith("'xquad' is not a trainable head; one of xnli, pawsx, udpos, panx, squad")


def test_a_head_predicts_its_tasks_labels():
    assert heads.head_labels("xnli") == ("contradiction", "entailment", "neutral")
    assert heads.head_labels("squad") == ()
    assert heads.head_labels("encoder") == ()


def test_label_maps_are_for_classifier_heads_only():
    from harness_tasks.label_maps import LABELLED_TASKS, task_label

    # XCOPA declares labels (the index of the right choice) but is scored by a multiple-choice head.
    assert TASKS["xcopa"].labels and LABELLED_TASKS == ("pawsx", "xnli", "udpos", "panx")
    # Synonyms come from the declarations.
    assert task_label("xnli", "Contradictory") == "contradiction"
    assert task_label("pawsx", "not-paraphrase") == "0"
    assert task_label("udpos", "CONJ") == "CCONJ"
    assert task_label("panx", "B-MISC") is None


def test_a_task_whose_kind_is_not_its_heads_fails_naming_the_declaration(monkeypatch):
    import dataclasses

    from evaluators.task_spec import IncompleteTaskError

    wrong = dataclasses.replace(TASKS["xnli"], head_kind="token_classification")
    monkeypatch.setattr(heads, "TASKS", {**TASKS, "xnli": wrong})
    with pytest.raises(IncompleteTaskError) as err:
        heads._check_kinds()
    assert str(err.value) == ("evaluators/tasks/xnli.py: head_kind 'token_classification', but its head 'xnli' has "
                              "kind 'sequence_classification'")
    untrained = dataclasses.replace(TASKS["tatoeba"], head_kind="dual_encoder")
    monkeypatch.setattr(heads, "TASKS", {**TASKS, "tatoeba": untrained})
    with pytest.raises(IncompleteTaskError) as err:
        heads._check_kinds()
    assert str(err.value) == ("evaluators/tasks/tatoeba.py: head_kind 'dual_encoder', but its head 'encoder' has "
                              "kind 'encoder' (a task without training data is scored on the bare encoder)")


def test_two_training_data_may_not_claim_one_head(monkeypatch):
    import dataclasses
    from types import SimpleNamespace

    from evaluators.task_spec import IncompleteTaskError

    other = dataclasses.replace(SQUAD_V1, epochs=3)
    monkeypatch.setattr(heads, "_training_declarations", SimpleNamespace(A=SQUAD_V1, B=other))
    with pytest.raises(IncompleteTaskError) as err:
        heads._training_heads()
    assert str(err.value) == "two training data declarations name the head folder 'squad'; each head is trained on one"
