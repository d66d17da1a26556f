"""Span scoring of the NER: exact match per label, and the bootstrap interval that says how far a split's score
can be trusted."""

from __future__ import annotations

from nlp.training.ner import bootstrap_intervals, score

# 新增城镇就业1.2万人，深化“放管服”改革 (FIGURE 6-10, UNIT 10-11, SLOGAN 15-18)
GOLD = {(6, 10, "FIGURE"), (10, 11, "UNIT"), (15, 18, "SLOGAN")}


def test_scores_count_exact_spans_per_label() -> None:
    predicted = {(6, 10, "FIGURE"), (10, 12, "UNIT"), (15, 18, "SLOGAN"), (0, 2, "SLOGAN")}
    result = score([GOLD], [predicted])
    assert result["FIGURE"] == {"p": 1.0, "r": 1.0, "f": 1.0, "n": 1}
    assert result["UNIT"] == {"p": 0.0, "r": 0.0, "f": 0.0, "n": 1}  # one character too long is a miss
    assert result["SLOGAN"] == {"p": 0.5, "r": 1.0, "f": 0.6667, "n": 1}
    assert result["ALL"]["p"] == 0.5 and result["ALL"]["r"] == 0.6667


def test_a_perfect_model_has_no_spread() -> None:
    assert bootstrap_intervals([GOLD] * 20, [GOLD] * 20, samples=200)["ALL"] == [1.0, 1.0]


def test_the_interval_holds_the_score_and_narrows_with_more_sentences() -> None:
    # one sentence in four loses its UNIT: F1 of UNIT on the whole split is 2·3/(3+4) = 0.857
    gold = [GOLD] * 4
    predicted = [GOLD - {(10, 11, "UNIT")}] + [GOLD] * 3
    small = bootstrap_intervals(gold * 5, predicted * 5, samples=500)["UNIT"]
    large = bootstrap_intervals(gold * 100, predicted * 100, samples=500)["UNIT"]
    assert small[0] < score(gold, predicted)["UNIT"]["f"] < small[1]
    assert large[0] < score(gold, predicted)["UNIT"]["f"] < large[1]
    assert large[1] - large[0] < (small[1] - small[0]) / 2


def test_the_interval_is_repeatable() -> None:
    predicted = [GOLD - {(6, 10, "FIGURE")}, GOLD, GOLD]
    assert bootstrap_intervals([GOLD] * 3, predicted, samples=300) == bootstrap_intervals([GOLD] * 3, predicted, samples=300)
