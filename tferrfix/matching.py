"""Incident -> ranked diagnoses, or the honest fallback when no pattern knows the case."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from tferrfix.diagnosis import Diagnosis
from tferrfix.exceptions import meaning
from tferrfix.fixes.materialize import materialize
from tferrfix.incident import SCALAR_KINDS, Incident
from tferrfix.patterns import all_patterns
from tferrfix.render.explain import explanation


@dataclass
class Fallback:
    """What the exception type means, when no pattern matched."""

    explained_type: str
    meaning: str


@dataclass
class Outcome:
    incident: Incident
    diagnoses: list[Diagnosis] = field(default_factory=list)
    fallback: Fallback | None = None
    # tferrfix's own failures (a pattern that raised): reported in one line, never instead
    # of the user's error.
    internal_errors: list[str] = field(default_factory=list)

    @property
    def best(self) -> Diagnosis | None:
        return self.diagnoses[0] if self.diagnoses else None


def diagnose_incident(incident: Incident) -> Outcome:
    outcome = Outcome(incident)
    if incident.in_scope:
        outcome.diagnoses = _diagnoses(incident, outcome.internal_errors)
        for joiner in ("", " "):
            if outcome.diagnoses or not any("\n" in m for m in incident.messages):
                break
            # A message hard-wrapped by a console or an issue editor (`at layer "\ninput_1"`,
            # `not \nsupported`): read again with its line breaks removed, then as spaces.
            outcome.diagnoses = _diagnoses(_unwrapped(incident, joiner), [])
    if not outcome.diagnoses:
        explained, text = meaning(incident.mro)
        outcome.fallback = Fallback(explained, text)
    return outcome


def _diagnoses(incident: Incident, internal_errors: list[str]) -> list[Diagnosis]:
    diagnoses = []
    for pattern in all_patterns():
        if not pattern.applies_to(incident):
            continue
        try:
            found = pattern.match(incident)
            if found is None:
                continue
            found.fixes = pattern.fixes(incident, found)
            if incident.source == "live":
                found.fixes = [materialize(fix) for fix in found.fixes]
            found.explanation = explanation(found, incident)
        except Exception as error:  # a broken pattern must not hide the others
            internal_errors.append(f"{pattern.code} {pattern.name}: {error!r}")
            continue
        _add_live_evidence(found, incident)
        diagnoses.append(found)
    diagnoses.sort(key=lambda d: (-d.confidence, d.code))
    return diagnoses


def _unwrapped(incident: Incident, joiner: str) -> Incident:
    chain = tuple(replace(error, message=joiner.join(error.message.split("\n")))
                  for error in incident.chain)
    return replace(incident, chain=chain)


_MAX_LIVE_EVIDENCE = 6


def _add_live_evidence(diagnosis: Diagnosis, incident: Incident) -> None:
    """Every diagnosis of a live incident carries the values of the failing call and the model
    they went to, whichever pattern made it: they are what the user will look at first."""
    if incident.source != "live":
        return
    present = {(ev.subject, ev.kind): index for index, ev in enumerate(diagnosis.evidence)}
    live = sorted((ev for ev in incident.evidence if ev.origin == "live"),
                  key=lambda ev: ev.kind in SCALAR_KINDS)
    added = 0
    for ev in live:
        if added >= _MAX_LIVE_EVIDENCE:
            break
        index = present.get((ev.subject, ev.kind))
        if index is None:
            present[(ev.subject, ev.kind)] = len(diagnosis.evidence)
            diagnosis.evidence.append(ev)
            added += 1
        elif diagnosis.evidence[index].origin != "live":
            # The same value read from the message and from the program: the program's
            # reading is the one to show.
            diagnosis.evidence[index] = ev
            added += 1
