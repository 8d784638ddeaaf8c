"""Every data-dictionary check, on plain data (``integrations.dictionary_checks``)."""

from integrations import dictionary_checks as checks


def dictionary(fields, values=(), bidirectional=False):
    return checks.Dictionary(bidirectional, list(fields), list(values))


def codes(problems):
    return sorted(p.code for p in problems)


def test_truncation_when_the_target_is_shorter():
    d = dictionary(
        [
            checks.Field(1, "short_description", "summary", 160, 255),
            checks.Field(2, "description", "body", 4000, 255),
        ]
    )
    problems = checks.check(d)
    assert (
        codes(problems) == ["truncation"]
        and problems[0].field_id == 2
        and "255" in problems[0].message
    )


def test_truncation_back_on_a_bidirectional_flow():
    d = dictionary([checks.Field(1, "short_description", "summary", 160, 255)], bidirectional=True)
    assert codes(checks.check(d)) == ["truncation"]


def test_a_source_value_without_mapping():
    field = checks.Field(
        1, "priority", "priority", source_values=("1 - Critical", "2 - High", "3 - Moderate")
    )
    values = [
        checks.ValueRule(1, "forward", "1 - Critical", "Highest", "map"),
        checks.ValueRule(1, "forward", "2 - High", "High", "map"),
    ]
    problems = checks.check(dictionary([field], values))
    assert codes(problems) == ["unmapped_value"] and "3 - Moderate" in problems[0].message
    with_default = [*values, checks.ValueRule(1, "forward", "", "Medium", "default")]
    assert checks.check(dictionary([field], with_default)) == []
    with_skip = [*values, checks.ValueRule(1, "forward", "3 - Moderate", "", "skip")]
    assert checks.check(dictionary([field], with_skip)) == []


def test_two_directions_that_disagree():
    field = checks.Field(1, "priority", "severity")
    forward = [
        checks.ValueRule(1, "forward", "1 - Critical", "Highest", "map"),
        checks.ValueRule(1, "forward", "2 - High", "High", "map"),
    ]
    back = [checks.ValueRule(1, "backward", "Highest", "2 - High", "map")]
    problems = checks.check(dictionary([field], forward + back, bidirectional=True))
    assert codes(problems) == ["direction_mismatch", "direction_mismatch"]
    messages = " ".join(p.message for p in problems)
    assert "comes back as “2 - High”" in messages and "“High” has no mapping back" in messages
    agreeing = [
        checks.ValueRule(1, "backward", "Highest", "1 - Critical", "map"),
        checks.ValueRule(1, "backward", "High", "2 - High", "map"),
    ]
    assert checks.check(dictionary([field], forward + agreeing, bidirectional=True)) == []
    # Many to one is fine when the way back lands on a value that maps to the same place.
    many = [*forward, checks.ValueRule(1, "forward", "0 - Blocker", "Highest", "map")]
    assert checks.check(dictionary([field], many + agreeing, bidirectional=True)) == []


def test_a_mapped_field_missing_on_one_side():
    problems = checks.check(
        dictionary([checks.Field(1, "u_vendor_ref", ""), checks.Field(2, "", "labels")])
    )
    assert codes(problems) == ["missing_side", "missing_side"]
    assert (
        "target field is missing" in problems[0].message
        and "source field is missing" in problems[1].message
    )
