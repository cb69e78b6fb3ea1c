"""The three exercises of docs/teaching.md as the page's answer sheet holds them, and the
sheet a student downloads: their answers under each question, with the world they saw (its
address, so the teacher can open the same world)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Exercise:
    key: str
    title: str
    scenario: str
    questions: tuple[str, ...]


EXERCISES = (
    Exercise(
        "thaad",
        "Exercise 1 — THAAD, 2016–17",
        "thaad_2016",
        (
            "When China punished Seoul, did Seoul move closer to Washington, or less close "
            "than it would have?",
            "Ten years later, where is Seoul's trade, with and without the punishment? Why?",
            "Which force in the why card did the punishment switch on?",
        ),
    ),
    Exercise(
        "taiwan",
        "Exercise 2 — a Taiwan “dual contingency”",
        "taiwan_contingency",
        (
            "North Korea is more dangerous than ever: why does Seoul not rally closer to "
            "Washington?",
            "What happens to “security from Washington, economy from Beijing”?",
            "Which way does Seoul close the gap, and why that way?",
        ),
    ),
    Exercise(
        "retrenchment",
        "Exercise 3 — US retrenchment",
        "us_retrenchment",
        (
            "Washington is less reliable: does Seoul move toward Beijing?",
            "Why does doubt about the patron raise the value of one's own weapons?",
            "Which policy would bring Seoul back? Try it and say what happened.",
        ),
    ),
)


def question_id(exercise: Exercise, number: int) -> str:
    return f"{exercise.key}-{number}"


def answer_sheet(
    exercise: Exercise, answers: dict[str, str], address: str, today: dt.date | None = None
) -> str:
    """The answer sheet of one exercise as Markdown: questions, answers, the world seen."""
    lines = [
        f"# {exercise.title}",
        "",
        f"hedgesim answer sheet, {(today or dt.date.today()).isoformat()}",
        f"The world on the page: ?{address}",
        "(open the dashboard with this address to see the same run at the same step)",
        "",
    ]
    for number, question in enumerate(exercise.questions, start=1):
        answer = answers.get(question_id(exercise, number), "").strip() or "(no answer)"
        lines += [f"## {number}. {question}", "", answer, ""]
    return "\n".join(lines)
