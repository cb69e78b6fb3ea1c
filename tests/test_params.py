"""Parameters: broken values are refused with one line naming the key, the value and what is
allowed (in-process: `sim.params.validate`, `sim.simulate`, `experiments.compose`); and the
helpers that read, set and serialise parameters (`get_path`, `with_values`, `to_plain`,
`from_plain`, `numeric_leaves`). The command line's answers are tests/test_cli.py's.
"""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

import sim
from experiments import compose, compose_run
from experiments.config import ConfigError
from sim.params import (
    ParamError,
    Params,
    PressureChange,
    ScheduledEvent,
    from_plain,
    get_path,
    numeric_leaves,
    to_plain,
    validate,
    with_values,
)


# ----------------------------------------------------------------------------- broken params
def _kor(p: Params):
    return p.world.middle_powers["KOR"]


def _event(p: Params, **fields) -> list[ScheduledEvent]:
    base = dict(date="2026-03-01", kind="summit", target="KOR", partner="USA")
    return [*p.scenario.events, ScheduledEvent(**{**base, **fields})]


# (case, values to set, key named, value shown, words of what is allowed)
BROKEN = [
    (
        "unknown state code",
        lambda p: {"world.middle_powers": {**p.world.middle_powers, "KRX": _kor(p)}},
        "world.middle_powers.KRX",
        "'KRX'",
        "ISO 3166 alpha-3",
    ),
    (
        "pressure above 1",
        lambda p: {"pressures.rivalry": 1.5},
        "pressures.rivalry",
        "1.5",
        "[0.0, 1.0]",
    ),
    (
        "pressure below 0",
        lambda p: {"pressures.dprk_threat": -0.1},
        "pressures.dprk_threat",
        "-0.1",
        "[0.0, 1.0]",
    ),
    (
        "pressure NaN",
        lambda p: {"pressures.taiwan_risk": float("nan")},
        "pressures.taiwan_risk",
        "nan",
        "[0.0, 1.0]",
    ),
    (
        "event after the horizon",
        lambda p: {"scenario.events": _event(p, date="2040-01-01")},
        f"scenario.events[{3}].date",
        "'2040-01-01'",
        "the scenario's span",
    ),
    (
        "pressure change after the horizon",
        lambda p: {
            "scenario.schedule": [PressureChange(date="2041-01-01", pressure="rivalry", value=0.9)]
        },
        "scenario.schedule[0].date",
        "'2041-01-01'",
        "horizon",
    ),
    (
        "world without USA",
        lambda p: {"world.great_powers": {"CHN": p.world.great_powers["CHN"]}},
        "world.great_powers",
        "['CHN']",
        "exactly the two poles USA and CHN",
    ),
    (
        "world without CHN",
        lambda p: {"world.great_powers": {"USA": p.world.great_powers["USA"]}},
        "world.great_powers",
        "['USA']",
        "exactly the two poles USA and CHN",
    ),
    (
        "negative weight",
        lambda p: {"weights.protection": -0.2},
        "weights.protection",
        "-0.2",
        "[0.0, inf]",
    ),
    (
        "bad decision rule",
        lambda p: {"decision.rule": "probit"},
        "decision.rule",
        "'probit'",
        "['partial', 'logit']",
    ),
    (
        "bad start date",
        lambda p: {"scenario.start": "2025-13-01"},
        "scenario.start",
        "'2025-13-01'",
        "YYYY-MM-DD",
    ),
    (
        "bad event date",
        lambda p: {"scenario.events": _event(p, date="2026-02-30")},
        "scenario.events[3].date",
        "'2026-02-30'",
        "YYYY-MM-DD",
    ),
    (
        "neighbour not in the world",
        lambda p: {"world.middle_powers.KOR.neighbours": {"JPN": 0.5, "AUS": 0.4}},
        "world.middle_powers.KOR.neighbours.AUS",
        "'AUS'",
        "['JPN', 'KOR']",
    ),
    (
        "array over runs of the wrong length",
        lambda p: {"pressures.rivalry": np.full(3, 0.5)},
        "pressures.rivalry",
        "array[3]",
        "one value per run (5)",
    ),
    (
        "array over runs with a value out of range",
        lambda p: {"pressures.rivalry": np.array([0.1, 0.2, 1.2, 0.3, 0.4])},
        "pressures.rivalry",
        "1.2",
        "[0.0, 1.0]",
    ),
    (
        "two poles at +1",
        lambda p: {"world.great_powers.CHN.pole": 1},
        "world.great_powers.*.pole",
        "[1, 1]",
        "one great power at +1 and one at -1",
    ),
    (
        "a pole that is not a sign",
        lambda p: {"world.great_powers.CHN.pole": 0},
        "world.great_powers.CHN.pole",
        "0",
        "[1, -1]",
    ),
    (
        "focus not a middle power",
        lambda p: {"world.focus": "PRK"},
        "world.focus",
        "'PRK'",
        "['JPN', 'KOR']",
    ),
    (
        "unknown event kind",
        lambda p: {"scenario.events": _event(p, kind="coup")},
        "scenario.events[3].kind",
        "'coup'",
        "missile_test",
    ),
    (
        "coercion by a state that is not a great power",
        lambda p: {"scenario.events": _event(p, kind="coercion", partner="JPN")},
        "scenario.events[3].partner",
        "'JPN'",
        "['CHN', 'USA']",
    ),
    (
        "pressure scheduled by a misspelt name",
        lambda p: {
            "scenario.schedule": [PressureChange(date="2026-01-01", pressure="rivalri", value=0.9)]
        },
        "scenario.schedule[0].pressure",
        "'rivalri'",
        "'rivalry'",
    ),
    ("grid not whole", lambda p: {"decision.grid": 20.5}, "decision.grid", "20.5", "whole number"),
    ("grid too fine", lambda p: {"decision.grid": 500}, "decision.grid", "500", "[3, 201]"),
    (
        "a government of no camp",
        lambda p: {"world.middle_powers.KOR.government": "centrist"},
        "world.middle_powers.KOR.government",
        "'centrist'",
        "['progressive', 'conservative']",
    ),
    (
        "ideal points missing a camp",
        lambda p: {
            "world.middle_powers.KOR.ideals": {"progressive": _kor(p).ideals["progressive"]}
        },
        "world.middle_powers.KOR.ideals",
        "['progressive']",
        "['progressive', 'conservative']",
    ),
    (
        "posture thresholds out of order",
        lambda p: {"metrics.posture_thresholds": [0.6, 0.2]},
        "metrics.posture_thresholds",
        "[0.6, 0.2]",
        "0 < a < b < 1",
    ),
    (
        "an export share that is not a number",
        lambda p: {"world.middle_powers.KOR.exports": {"USA": "lots", "CHN": 0.2}},
        "world.middle_powers.KOR.exports.USA",
        "'lots'",
        "a number in [0.0, 1.0]",
    ),
]


@pytest.mark.parametrize("case,values,key,shown,allowed", BROKEN, ids=[case[0] for case in BROKEN])
def test_a_broken_parameter_is_named_in_one_line(default_params, case, values, key, shown, allowed):
    broken = with_values(default_params, values(default_params))
    with pytest.raises(ParamError) as caught:
        validate(broken, runs=5)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{key} = {shown}: "), message
    assert allowed in message, message
    assert caught.value.key == key


def test_the_defaults_are_valid(default_params):
    assert validate(default_params, runs=5) is default_params


@pytest.mark.parametrize(
    "kwargs,key,allowed",
    [
        ({"runs": -5}, "runs", "whole number >= 1"),
        ({"runs": 0}, "runs", "whole number >= 1"),
        ({"runs": 2.5}, "runs", "whole number >= 1"),
        ({"seed": -1}, "seed", "[0, 2**63)"),
        ({"steps": 0}, "steps", "whole number >= 1"),
        ({"first_run": -3}, "first_run", "whole number >= 0"),
        ({"variables": ("security", "welfare")}, "variables", "choose from"),
    ],
)
def test_simulate_refuses_a_broken_call(default_params, kwargs, key, allowed):
    with pytest.raises(ParamError) as caught:
        sim.simulate(default_params, **kwargs)
    assert str(caught.value).startswith(f"{key} = ") and allowed in str(caught.value)


def test_simulate_checks_array_lengths_against_its_runs(default_params):
    params = with_values(default_params, {"weights.protection": np.ones(4)})
    sim.simulate(params, runs=4, steps=3)  # the right length runs
    with pytest.raises(
        ParamError, match=r"^weights\.protection = array\[4\]: .*one value per run \(6\)"
    ):
        sim.simulate(params, runs=6, steps=3)


def test_a_choice_given_one_value_per_run_is_refused_in_one_line(default_params):
    """A great power's pole lays out the world (which side is +1): one value for every run.
    Given an array over runs, the engine and the Mesa model both refuse it by its key."""
    params = with_values(default_params, {"world.great_powers.USA.pole": np.array([1.0, 1.0])})
    message = r"^world\.great_powers\.USA\.pole = array\[2\]: must be one of \[1, -1\], the same in every run$"
    with pytest.raises(ParamError, match=message):
        sim.simulate(params, runs=2, steps=3)
    import agents

    with pytest.raises(ParamError, match=message):
        agents.GeopoliticsModel(params, rng=1, run=1)


def test_simulate_returns_just_the_variables_asked_for(default_params):
    ds = sim.simulate(default_params, runs=2, steps=3, variables=("threat", "pressure"))
    assert set(ds.data_vars) == {"threat", "pressure"}


# ----------------------------------------------------------------------------- through compose
COMPOSE_BROKEN = [
    (["pressures.rivalr=0.5"], "pressures.rivalr: unknown key", "rivalry"),
    (["weights.protecton=1"], "weights.protecton: unknown key", "protection"),
    (["pressures.rivalry=1.5"], "pressures.rivalry = 1.5: ", "[0.0, 1.0]"),
    (["scenario=nope"], "scenario = 'nope': ", "lee_2025"),
    (["world=mars"], "world = 'mars': ", "east_asia_2025"),
    (["decision.rule=probit"], "decision.rule = 'probit': ", "['partial', 'logit']"),
    (
        ["+world.middle_powers.KOR.neighbours.AUS=0.5"],
        "world.middle_powers.KOR.neighbours.AUS = 'AUS': ",
        "['JPN', 'KOR']",
    ),
    (["pressures.rivalry=high"], "pressures.rivalry = 'high': ", "Float"),
]


@pytest.mark.parametrize(
    "overrides,starts,allowed", COMPOSE_BROKEN, ids=[o[0][0] for o in COMPOSE_BROKEN]
)
def test_compose_names_a_broken_override_in_one_line(overrides, starts, allowed):
    with pytest.raises(ConfigError) as caught:
        compose(overrides)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(starts) and allowed in message, message


@pytest.mark.parametrize(
    "overrides,starts",
    [
        (["runs=-5"], "runs = -5: "),
        (["runs=0"], "runs = 0: "),
        (["engine=cuda"], "engine = 'cuda': "),
    ],
)
def test_compose_run_names_broken_run_settings(overrides, starts):
    with pytest.raises(ConfigError, match="^" + starts.replace("(", r"\(")):
        compose_run(overrides)


def test_compose_applies_overrides(default_params):
    params = compose(["pressures.rivalry=0.25", "weights.inertia=2", "scenario=baseline"])
    assert params.pressures.rivalry == 0.25 and params.weights.inertia == 2.0
    assert params.scenario.name == "baseline"
    assert default_params.scenario.name == "lee_2025"


# ----------------------------------------------------------------------------- get_path, with_values
def test_get_path_reads_fields_and_mapping_entries(default_params):
    assert get_path(default_params, "pressures.rivalry") == default_params.pressures.rivalry
    assert (
        get_path(default_params, "world.middle_powers.KOR.exports.USA")
        == _kor(default_params).exports["USA"]
    )
    assert get_path(
        default_params, "world.middle_powers.KOR.ideals.progressive.security"
    ) == pytest.approx(_kor(default_params).ideals["progressive"].security)


@pytest.mark.parametrize(
    "key,allowed",
    [
        ("pressures.rivalri", "'rivalri' is not a field"),
        ("world.middle_powers.XYZ.security", "'XYZ' is not one of ['JPN', 'KOR']"),
        ("weights", None),
    ],
)
def test_get_path_names_an_unknown_key(default_params, key, allowed):
    if allowed is None:  # a whole section is a valid path too
        assert get_path(default_params, key) is default_params.weights
        return
    with pytest.raises(ParamError) as caught:
        get_path(default_params, key)
    assert caught.value.key == key and allowed in str(caught.value)


def test_with_values_copies_and_leaves_the_original_alone(default_params):
    before = to_plain(default_params)
    changed = with_values(
        default_params,
        {
            "pressures.rivalry": 0.11,
            "world.middle_powers.KOR.security": -0.3,
            "world.middle_powers.KOR.exports.CHN": 0.5,
        },
    )
    assert changed.pressures.rivalry == 0.11
    assert _kor(changed).security == -0.3 and _kor(changed).exports["CHN"] == 0.5
    assert to_plain(default_params) == before
    # untouched branches are shared, not copied (cheap), touched ones are new objects
    assert changed.weights is default_params.weights
    assert changed.world.middle_powers is not default_params.world.middle_powers
    assert changed.world.middle_powers["JPN"] is default_params.world.middle_powers["JPN"]


def test_with_values_takes_arrays_over_runs(default_params):
    rivalry = np.linspace(0, 1, 7)
    changed = with_values(default_params, {"pressures.rivalry": rivalry})
    assert get_path(changed, "pressures.rivalry") is rivalry
    ds = sim.simulate(changed, runs=7, steps=3)
    np.testing.assert_array_equal(
        ds.pressure.sel(pressure_name="rivalry").isel(step=0).values, rivalry
    )


def test_with_values_refuses_an_unknown_key(default_params):
    with pytest.raises(ParamError, match=r"^pressures\.rivalri = None: no such parameter"):
        with_values(default_params, {"pressures.rivalri": 0.5})


def test_numeric_leaves_are_the_sweepable_numbers(default_params):
    leaves = numeric_leaves(default_params)
    assert {
        "pressures.rivalry",
        "weights.protection",
        "world.middle_powers.KOR.exports.USA",
    } <= set(leaves)
    assert "dynamics.responsive" not in leaves  # a switch, not a number
    assert "decision.rule" not in leaves
    for key, value in leaves.items():
        assert get_path(default_params, key) is value


# ----------------------------------------------------------------------------- serialisation
def test_plain_form_round_trips(default_params):
    plain = to_plain(default_params)
    assert json.loads(json.dumps(plain)) == plain
    back = from_plain(plain)
    assert to_plain(back) == plain
    assert dataclasses.is_dataclass(back.world.middle_powers["KOR"])


def test_a_dataset_carries_the_params_that_reproduce_it(default_params):
    params = with_values(default_params, {"pressures.rivalry": 0.33})
    ds = sim.simulate(params, runs=3, seed=5, steps=4)
    again = sim.simulate(
        from_plain(json.loads(ds.attrs["params"])), runs=3, seed=ds.attrs["seed"], steps=4
    )
    np.testing.assert_array_equal(again.security.values, ds.security.values)


def test_from_plain_names_an_unknown_key(default_params):
    plain = to_plain(default_params)
    plain["weights"]["protecton"] = 1.0
    with pytest.raises(
        ParamError, match=r"^weights\.protecton = 1\.0: unknown key; allowed: \[.*'protection'"
    ):
        from_plain(plain)


# ----------------------------------------------------------------------------- docs/model.md
def _documented_rows() -> dict[str, str]:
    """key -> default as docs/model.md's parameter tables list them."""
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "docs" / "model.md").read_text()
    rows = {}
    for line in text.splitlines():
        if line.startswith("| `"):
            cells = [c.strip() for c in line.strip("|").split(" | ")]
            rows[cells[0].strip("`")] = cells[1]
    return rows


def test_model_doc_lists_every_parameter_with_its_default(default_params):
    rows = _documented_rows()
    switches = {
        "decision.rule": "partial",
        "dynamics.great_powers": "strategic",
        "dynamics.challenger": "strategic",
    }
    for key, value in {**numeric_leaves(default_params), **switches}.items():
        if key.startswith("scenario.") and key not in ("scenario.steps", "scenario.step_months"):
            continue  # dated changes and events are described in the text, not the table
        assert key in rows, (
            f"docs/model.md does not list {key}; run .venv/bin/python tools/param_table.py --write"
        )
        shown = rows[key]
        if isinstance(value, str):
            assert shown == value, f"{key}: docs say {shown}, the default is {value}"
        else:
            assert float(shown) == pytest.approx(float(value)), (
                f"{key}: docs say {shown}, the default is {value}"
            )
    for field in dataclasses.fields(Params().weights):
        assert f"weights.{field.name}" in rows


def test_model_doc_tables_are_what_the_generator_writes():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, str(root / "tools" / "param_table.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=root,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_schema_and_conf_give_every_default_once():
    """conf/config.yaml is the one source of defaults: a Python user's `Params()` runs the
    same model as the command line's root config (before a world or scenario is chosen)."""
    from omegaconf import OmegaConf

    from experiments.resources import CONF_DIR
    from sim.params import Params, numeric_leaves

    root = OmegaConf.to_container(OmegaConf.load(CONF_DIR / "config.yaml"))
    root = {k: v for k, v in root.items() if k not in ("defaults", "hydra")}
    in_conf = numeric_leaves_of_plain(root)
    in_schema = numeric_leaves(Params())
    assert in_conf, "config.yaml has no numeric leaves"
    differ = {
        key: (value, in_schema.get(key))
        for key, value in in_conf.items()
        if key in in_schema and not np.array_equal(np.asarray(value), np.asarray(in_schema[key]))
    }
    assert not differ, f"schema and conf/config.yaml disagree (conf, schema): {differ}"
    missing = sorted(
        k
        for k in in_schema
        if k.split(".")[0] in root
        and not k.startswith(("world.", "scenario."))
        and k not in in_conf
    )
    assert not missing, f"defaults only in the schema, not in conf/config.yaml: {missing}"


def numeric_leaves_of_plain(node, prefix=""):
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            out.update(numeric_leaves_of_plain(value, f"{prefix}{key}."))
        return out
    if isinstance(node, bool) or not isinstance(node, (int, float, list)):
        return {}
    return {prefix[:-1]: node}
