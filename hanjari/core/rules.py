"""One rule, one place: the shape every "may this happen now?" rule returns.

A rule (registration window, cancellation, a workflow step, an edit window) is one
function that returns ``None`` when the action may happen, or a `Refusal` that says why
not. The page calls it to show or hide the action, the service calls it to refuse, and
the tests call it directly, so the two can never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar


@dataclass(frozen=True)
class Refusal:
    """Why an action may not happen now (거절 사유).

    `code` is stable (for tests, the API and templates: ``"closed"``, ``"window"``,
    ``"full"`` …); `message` is translated text shown to the person.
    """

    code: str
    message: str

    def __str__(self) -> str:
        return str(self.message)


S = TypeVar("S")  # a state (a TextChoices value)
A = TypeVar("A")  # the acting user
Obj = TypeVar("Obj")  # the object the workflow moves


@dataclass(frozen=True)
class Step(Generic[S, A, Obj]):
    """One step of a workflow table: from any of `source` to `target`, when `may`
    (actor, object) is true."""

    source: frozenset[S]
    target: S
    may: Callable[[A, Obj], bool]


def allowed_steps(steps: Mapping[str, Step[S, A, Obj]], state: S, actor: A, obj: Obj) -> list[str]:
    """The names of the steps in `steps` that `actor` may take on `obj` in `state`, in
    table order. Inputs: a workflow table, the object's current state, the acting user
    and the object. Never raises (a predicate that raises is a bug)."""
    return [name for name, step in steps.items() if state in step.source and step.may(actor, obj)]
