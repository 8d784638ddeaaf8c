"""RACI rules per variant, tested directly on plain data."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from raci.rules import VARIANTS, Activity, Column, Level, MatrixData, check, diff, errors, workload

CUSTOMER, INTEGRATOR, PROVIDER = "customer", "integrator", "provider"
COLUMNS = [
    Column(1, "Customer business owner", CUSTOMER),
    Column(2, "Integrator service manager", INTEGRATOR),
    Column(3, "Provider desk lead", PROVIDER),
]


def matrix(cells, variant="raci", activities=None, **kwargs):
    acts = activities or [Activity(10, "Log the incident"), Activity(11, "Resolve the incident")]
    return MatrixData(VARIANTS[variant], acts, COLUMNS, cells, **kwargs)


def codes(findings, level=None):
    return sorted({f.code for f in findings if level is None or f.level == level})


def test_a_valid_raci_matrix_has_no_errors():
    cells = {(10, 2): "A", (10, 3): "R", (10, 1): "I", (11, 2): "AR", (11, 3): "C", (11, 1): "I"}
    assert errors(check(matrix(cells))) == []


def test_exactly_one_accountable_per_activity():
    cells = {(10, 1): "A", (10, 2): "A", (10, 3): "R", (11, 3): "R"}
    found = errors(check(matrix(cells)))
    assert {(f.code, f.activity_id) for f in found} == {
        ("exactly_one_A", 10),
        ("exactly_one_A", 11),
    }
    assert "2 Accountable" in next(f.message for f in found if f.activity_id == 10)


def test_at_least_one_responsible_and_the_a_may_be_the_r():
    assert codes(check(matrix({(10, 2): "A", (11, 2): "AR"})), Level.ERROR) == ["at_least_one_R"]
    assert errors(check(matrix({(10, 2): "AR", (11, 2): "AR"}))) == []


def test_warnings_do_not_block():
    acts = [Activity(n, f"Step {n}") for n in range(1, 5)]
    cells = {(n, 2): "AR" for n in range(1, 5)} | {(1, 1): "C", (1, 3): "C"}
    found = check(MatrixData(VARIANTS["raci"], acts, COLUMNS, cells))
    assert errors(found) == []
    assert codes(found, Level.WARNING) == ["no_work", "owner_overload"]
    assert {f.column_id for f in found if f.code == "no_work"} == {1, 3}


def test_more_than_three_consulted_and_an_empty_column():
    columns = [Column(n, f"Role {n}", PROVIDER) for n in range(1, 7)]
    cells = {(1, 1): "AR", (1, 2): "C", (1, 3): "C", (1, 4): "C", (1, 5): "C"}
    found = check(MatrixData(VARIANTS["raci"], [Activity(1, "Decide")], columns, cells))
    assert "too_many_consulted" in codes(found) and ("empty_column", 6) in {
        (f.code, f.column_id) for f in found
    }


def test_an_activity_the_customer_or_integrator_must_own():
    act = Activity(1, "Approve a change", must_be_owned_by=frozenset({CUSTOMER, INTEGRATOR}))
    found = check(MatrixData(VARIANTS["raci"], [act], COLUMNS, {(1, 3): "A", (1, 2): "R"}))
    assert ("owner_layer", 3) in {(f.code, f.column_id) for f in found}
    assert errors(found) == []


def test_rasci_support_letter_and_raci_vs_single_sign_off():
    assert (
        errors(check(matrix({(10, 2): "A", (10, 3): "R", (10, 1): "S", (11, 2): "AR"}, "rasci")))
        == []
    )
    found = check(
        matrix(
            {(10, 2): "A", (10, 3): "R", (10, 1): "S", (11, 2): "AR", (11, 1): "S", (11, 3): "S"},
            "raci_vs",
        )
    )
    assert codes(found, Level.ERROR) == ["at_most_one_S"]


def test_daci_needs_one_driver_and_one_approver():
    ok = {(10, 1): "A", (10, 2): "D", (11, 1): "A", (11, 3): "D", (11, 2): "C"}
    assert errors(check(matrix(ok, "daci"))) == []
    found = check(matrix({(10, 1): "A", (11, 2): "D", (11, 3): "D"}, "daci"))
    assert {(f.code, f.activity_id) for f in errors(found)} == {
        ("exactly_one_D", 10),
        ("exactly_one_A", 11),
        ("exactly_one_D", 11),
    }


def test_cell_values_are_checked_per_variant():
    raci = VARIANTS["raci"]
    assert (
        raci.normalise("r/a") == "AR" and raci.normalise(" c ") == "C" and raci.normalise("") == ""
    )
    with pytest.raises(ValueError, match="not a RACI value"):
        raci.normalise("S")
    assert VARIANTS["rasci"].normalise("s") == "S"
    with pytest.raises(ValueError):
        VARIANTS["daci"].normalise("R")


def test_workload_counts_letters_per_column():
    load = workload(matrix({(10, 2): "AR", (11, 2): "A", (11, 3): "R"}))
    assert load[2] == {"A": 2, "R": 1} and load[3] == {"R": 1} and load[1] == {}


def test_diff_reports_added_removed_and_changed_cells():
    old = {("log", "desk"): "R", ("log", "owner"): "A", ("fix", "desk"): "C"}
    new = {("log", "desk"): "AR", ("fix", "desk"): "C", ("fix", "owner"): "I"}
    assert diff(old, new) == {
        "added": [(("fix", "owner"), "I")],
        "removed": [(("log", "owner"), "A")],
        "changed": [(("log", "desk"), "R", "AR")],
    }


@given(
    st.dictionaries(
        st.tuples(st.sampled_from([10, 11]), st.sampled_from([1, 2, 3])),
        st.sampled_from(["", "R", "A", "C", "I", "AR"]),
    )
)
def test_an_activity_without_error_has_exactly_one_a_and_some_r(cells):
    found = check(matrix(cells))
    bad = {f.activity_id for f in errors(found)}
    for activity in (10, 11):
        letters = "".join(v for (a, _), v in cells.items() if a == activity)
        valid = letters.count("A") == 1 and "R" in letters
        assert (activity not in bad) == valid
