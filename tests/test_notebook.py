"""The THAAD notebook runs from top to bottom and shows what the lesson plan says it shows.

It is executed as a student would run it (nbclient, a kernel on this environment's Python:
ipykernel's own `python3` spec), in a temporary copy so the notebook in git stays without
outputs. Its printed summary is read back and held to the lesson's two claims.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "thaad_2016.ipynb"


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    workdir = tmp_path_factory.mktemp("notebook")
    NotebookClient(
        notebook, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(workdir)}}
    ).execute()
    return notebook


def outputs_of(notebook) -> str:
    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            texts.append(output.get("text", "") or output.get("data", {}).get("text/plain", ""))
    return "\n".join(texts)


def test_the_notebook_in_git_has_no_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")


def test_the_quarter_table_shows_the_ban_of_march_2017(executed):
    table = outputs_of(executed)
    row = re.search(
        r"^2017-04-01\s+([+-]\d\.\d\d)\s+([+-]\d\.\d\d)\s+(\d\.\d\d)", table, re.MULTILINE
    )
    assert row, table[:2000]
    assert float(row.group(3)) > 0.3  # China's restriction bites after the ban
    assert "coercion" in table


def test_the_summary_shows_deterrence_then_de_risking(executed):
    text = outputs_of(executed)
    security = re.search(
        r"security 2017-07: ([+-]\d\.\d\d) with coercion, ([+-]\d\.\d\d) without", text
    )
    economic = re.search(
        r"economic 2026-01: ([+-]\d\.\d\d) with coercion, ([+-]\d\.\d\d) without", text
    )
    assert security and economic, text[-2000:]
    assert float(security.group(1)) < float(
        security.group(2)
    )  # punished Seoul stays further from the US
    assert float(economic.group(1)) > float(
        economic.group(2)
    )  # and its trade turns away from China


def test_the_why_cell_and_the_figure_render(executed):
    why_output = outputs_of(executed)
    assert re.search(r"^\s+coercion\s+[+-]\d\.\d{3}$", why_output, re.MULTILINE)
    figures = [
        o for c in executed.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})
    ]
    assert len(figures) == 1
