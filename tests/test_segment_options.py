"""The segment options, shared by list, coverage and rank (defined once in rmnotes.options)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from conftest import run


def last_contacts(sample) -> dict[str, str | None]:
    rows = json.loads(run(["list", "--json", "--status", "active", "--status", "prospect",
                           "--status", "dormant"], sample).stdout)
    return {r["id"]: r["last_contact"] for r in rows}


@pytest.mark.parametrize("as_of", ["2026-11-28", "2027-06-01"])
def test_no_contact_since_counts_back_from_as_of(sample, as_of):
    cutoff = (date.fromisoformat(as_of) - timedelta(days=90)).isoformat()
    expected = sorted(cid for cid, last in last_contacts(sample).items() if last is None or last < cutoff)
    result = run(["coverage", "--json", "--as-of", as_of, "--no-contact-since", "90d"], sample)
    assert result.exit_code == 0, result.output
    assert sorted(r["client"] for r in json.loads(result.stdout)) == expected
    ranked = json.loads(run(["rank", "--json", "--as-of", as_of, "--no-contact-since", "90d"], sample).stdout)
    assert ranked and {r["client"] for r in ranked} <= set(expected)  # rank leaves out the unpriced


@pytest.mark.parametrize("command", ["list", "coverage", "rank"])
@pytest.mark.parametrize("args, message", [
    (["--risk", "high"], "Invalid value for '--risk': 'high' is not a range"),
    (["--aum", ">=lots"], "Invalid value for '--aum': 'lots' is not an amount"),
    (["--no-contact-since", "soon"], "Invalid value for '--no-contact-since': 'soon' is neither a period"),
])
def test_bad_segment_values_are_usage_errors_in_every_command(sample, command, args, message):
    result = run([command, *args], sample)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Usage: cli {command} [OPTIONS]")  # CliRunner names the program cli
    assert message in result.stderr and result.stdout == ""


def test_elsewhere_min_is_an_amount(sample):
    result = run(["rank", "--elsewhere-min", "lots"], sample)
    assert result.exit_code == 2 and "Invalid value for '--elsewhere-min': 'lots' is not an amount" in result.stderr
    assert run(["rank", "--json", "--elsewhere-min", "5m"], sample).exit_code == 0
