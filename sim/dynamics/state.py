"""The state of a batch of runs, its start, and the random keys of every stream."""

from __future__ import annotations

import operator
from dataclasses import dataclass, fields

import numpy as np

from sim.dynamics.levers import initial_levers, initial_restraint
from sim.dynamics.pressures import initial_pressures
from sim.params import EVENT_KINDS, LEVERS
from sim.random import Stream, run_keys, run_stream_keys, stream_tag
from sim.world import CompiledWorld, pair_key


@dataclass
class State:
    """Everything that changes over time, for a batch of runs."""

    security: np.ndarray  # (R, M)
    economic: np.ndarray  # (R, M)
    autonomy: np.ndarray  # (R, M)
    camp: np.ndarray  # (R, M) index of the governing camp (CAMPS)
    threat: np.ndarray  # (R,) the challenger's threat
    restriction: np.ndarray  # (R, M, P) trade restriction by great power P on state M
    memory: np.ndarray  # (R, M, P) remembered restriction (restriction-years, decaying)
    reliability_shock: np.ndarray  # (R, P) summits raise it, tariff shocks lower it
    taiwan_shock: np.ndarray  # (R,)
    cooperation: np.ndarray  # (R, M, M) neighbour ties
    pressures: dict[str, np.ndarray]  # pressure -> (R,) in force
    events: np.ndarray  # (R, E) events that happened in this step
    levers: np.ndarray  # (R, M, P, K) the great powers' levers (in force: capped, see levers)
    restraint: np.ndarray  # (R, P) each great power's restraint (+) or encouragement (-) of PRK
    provocation: np.ndarray  # (R,) the challenger's last choice, -1 dialogue .. +1 provocation
    momentum: np.ndarray  # (R,) summit momentum with the challenger (fading)
    pledge: np.ndarray  # (R, M, P) investment pledged by each middle power to each great power
    opinion: np.ndarray  # (R, M, P) each middle power's public favourability to each great power


_FIELDS = tuple(field.name for field in fields(State))
_FIELDS_OF = operator.attrgetter(*_FIELDS)
_FIELD_NAMES = frozenset(_FIELDS)


def evolved(state: State, **changes) -> State:
    """`dataclasses.replace(state, **changes)`, the next state with `changes` and the other
    fields shared, at a third of the cost (the step makes two, 1.3 us each at one run against
    4.1 through `State(**fields)`, which checks its arguments one by one; `replace` looks at
    every field's definition too). The fields go into the new state's `__dict__` directly (a
    State is a plain dataclass: no `__post_init__`, no slots). Like `replace`, it carries over
    none of the caches the step keeps on a state (`sim.dynamics.step._held`), and it refuses
    a name that is not a field."""
    if not _FIELD_NAMES.issuperset(changes):
        unknown = sorted(set(changes) - _FIELD_NAMES)
        raise TypeError(f"evolved: State has no field {', '.join(unknown)}")
    new = object.__new__(State)
    values = new.__dict__
    values.update(zip(_FIELDS, _FIELDS_OF(state), strict=True))
    values.update(changes)
    return new


def initial_state(w: CompiledWorld) -> State:
    n, m, p = w.runs, len(w.middle), len(w.poles)
    return State(
        security=w.init_security.copy(),
        economic=w.init_economic.copy(),
        autonomy=w.init_autonomy.copy(),
        camp=np.broadcast_to(w.init_camp, (n, m)).copy(),
        threat=w.init_threat.copy(),
        restriction=np.zeros((n, m, p)),
        memory=w.init_memory.copy(),
        reliability_shock=np.zeros((n, p)),
        taiwan_shock=np.zeros(n),
        cooperation=w.cooperation.copy(),
        pressures=initial_pressures(w),
        events=np.zeros((n, len(EVENT_KINDS)), dtype=np.int16),
        levers=initial_levers(w),
        restraint=initial_restraint(w),
        provocation=(
            w.challenger_params.provocation.copy()
            if w.dynamics.challenger == "strategic"
            else np.zeros(n)
        ),
        momentum=np.zeros(n),
        pledge=np.zeros((n, m, p)),
        opinion=w.init_opinion.copy(),
    )


# ----------------------------------------------------------------------------- keys
@dataclass
class Keys:
    """Step-independent random keys of every stream (see `sim.random`)."""

    decide: np.ndarray  # (3, R, M): security, economic, autonomy (drawn in one call)
    missile: np.ndarray  # (R,)
    nuclear: np.ndarray
    taiwan: np.ndarray
    coercion: np.ndarray  # (R, M, P)
    tariff: np.ndarray  # (R, M, P)
    summit: np.ndarray  # (R, M)
    summit_partner: np.ndarray  # (R, M)
    election: np.ndarray  # (R, M)
    history: np.ndarray  # (R, M, M)
    levers: np.ndarray  # (R, M, P, K)
    restraint: np.ndarray  # (R, P)
    provocation: np.ndarray  # (R,)


def random_keys(w: CompiledWorld) -> Keys:
    """Every stream's keys for the world's runs: `run_stream_keys` of the runs' shared part
    (`run_keys`) and each stream's tag (its states, `stream_tag`), for every stream in one
    call over the tags laid end to end (`_stream_tags`, once per world), each stream's keys
    then its columns (15 calls of the mixer -> 1: 240-260 -> 57 us at one run)."""
    runs = run_keys(w.seed, w.run_ids)  # the part every stream of a run shares, once
    tags, columns = _stream_tags(w)
    mixed = run_stream_keys(runs[:, None], tags)  # (R, every stream's tags)
    out = {}
    for name, (start, stop, shape) in columns.items():
        # contiguous, as the kernels read them (no copy at one run: its row is)
        out[name] = np.ascontiguousarray(mixed[:, start:stop]).reshape((len(runs), *shape))
    # the three decision streams are stacked first, (3, R, M)
    out["decide"] = np.ascontiguousarray(np.moveaxis(out["decide"], 1, 0))
    return Keys(**out)


def _stream_tags(w: CompiledWorld) -> tuple[np.ndarray, dict[str, tuple]]:
    """Every stream's tags (`stream_tag`: its states' keys with the stream) laid end to end,
    and where each stream's lie and their shape: once per world (the same for every run)."""
    cached = w.__dict__.get("_stream_tags")
    if cached is not None:
        return cached
    mid, pol, challenger = w.key_middle, w.key_poles, w.key_challenger
    by_pair = pair_key(mid[:, None], pol[None, :])
    by_neighbours = pair_key(mid[:, None], mid[None, :])
    levers = [stream_tag(by_pair, Stream.LEVER_COMMITMENT + k) for k in range(len(LEVERS))]
    streams = dict(
        decide=np.stack(
            [
                stream_tag(mid, Stream.DECIDE_SECURITY),
                stream_tag(mid, Stream.DECIDE_ECONOMIC),
                stream_tag(mid, Stream.DECIDE_AUTONOMY),
            ]
        ),
        missile=stream_tag(challenger, Stream.MISSILE_TEST),
        nuclear=stream_tag(challenger, Stream.NUCLEAR_TEST),
        taiwan=stream_tag(0, Stream.TAIWAN_CRISIS),
        coercion=stream_tag(by_pair, Stream.COERCION),
        tariff=stream_tag(by_pair, Stream.TARIFF_SHOCK),
        summit=stream_tag(mid, Stream.SUMMIT),
        summit_partner=stream_tag(mid, Stream.SUMMIT_PARTNER),
        election=stream_tag(mid, Stream.ELECTION),
        history=stream_tag(by_neighbours, Stream.HISTORY_DISPUTE),
        levers=np.stack(levers, axis=-1),
        restraint=stream_tag(pol, Stream.RESTRAINT),
        provocation=stream_tag(challenger, Stream.PROVOCATION),
    )
    columns, start = {}, 0
    for name, tag in streams.items():
        columns[name] = (start, start + tag.size, tag.shape)
        start += tag.size
    tags = np.concatenate([tag.reshape(-1) for tag in streams.values()])
    cached = w.__dict__["_stream_tags"] = (tags, columns)
    return cached
