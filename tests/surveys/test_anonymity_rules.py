"""The minimum group and the differencing rule on their own (surveys.anonymity), tried against every
combination of released groups: no sum or difference of their figures isolates fewer than the minimum."""

from itertools import combinations, product

from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.anonymity import EVERYONE, Cells, Group, candidate_groups, derivable_minimum, release

# Org(1) > Sales(2) > North(3), South(4); Org > Support(5)
ANCESTORS = {
    1: frozenset({1}),
    2: frozenset({1, 2}),
    3: frozenset({1, 2, 3}),
    4: frozenset({1, 2, 4}),
    5: frozenset({1, 5}),
}


def cells(counts):
    return Cells(counts=counts, ancestors=ANCESTORS)


def members(c: Cells, group: Group) -> frozenset:
    return frozenset(c.members(group))


def smallest_isolated(c: Cells, groups) -> int:
    """Brute force: every set of respondents that a sum or difference of up to three released groups
    describes exactly (A, A-B, A-B-C, A+B-C as sets): its smallest non-empty size."""
    sets = [members(c, g) for g in groups]
    found = set()
    for a in sets:
        found.add(a)
        for b in sets:
            found.add(a - b)
            found.add(a & b)
            for third in sets:
                found.add((a - b) - third)
                found.add((a & b) - third)
                found.add((a | b) - third)
    sizes = [sum(c.counts[x] for x in s) for s in found]
    return min((n for n in sizes if n), default=0)


def test_the_4_of_a_12_split_8_and_4_is_never_derivable():
    c = cells({(3, None, ""): 8, (4, None, ""): 4, (5, None, ""): 9})
    shown = release(c, 5)
    assert EVERYONE in shown
    assert Group(2) in shown
    assert Group(5) in shown
    assert Group(3) not in shown, "North (8) would reveal South (4) as Sales minus North"
    assert Group(4) not in shown
    assert derivable_minimum(c, shown) >= 5
    assert smallest_isolated(c, shown) >= 5


def test_without_the_differencing_rule_the_4_would_leak():
    """The negative control: showing every group of at least 5 (the minimum alone) lets Sales minus
    North reveal South's 4."""
    c = cells({(3, None, ""): 8, (4, None, ""): 4, (5, None, ""): 9})
    minimum_only = {g for g in candidate_groups(c) if c.size(g) >= 5}
    assert Group(3) in minimum_only
    assert smallest_isolated(c, minimum_only) == 4


def test_a_sibling_is_suppressed_when_the_parent_and_the_other_sibling_are_shown():
    c = cells({(3, None, ""): 10, (4, None, ""): 6, (5, None, ""): 3})
    shown = release(c, 5)
    # Everyone (19), Sales (16): Support is 3, so Sales would reveal it: Sales is held back
    assert Group(2) not in shown
    assert Group(5) not in shown
    assert smallest_isolated(c, shown) >= 5


def test_filter_combinations_cannot_be_subtracted_either():
    """Department × job group × side: a combination is shown only when no subtraction reveals fewer."""
    counts = {
        (3, 10, "employees"): 6,
        (3, 10, "managers"): 2,
        (3, 11, "employees"): 5,
        (4, 11, "employees"): 7,
        (5, 10, "managers"): 5,
        (5, 11, "employees"): 4,
    }
    c = cells(counts)
    shown = release(c, 5)
    assert smallest_isolated(c, shown) >= 5
    assert derivable_minimum(c, shown) >= 5
    assert Group(side="managers") in shown or Group(side="employees") not in shown


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.tuples(
            st.sampled_from([3, 4, 5]), st.sampled_from([None, 10, 11]), st.sampled_from(["", "employees", "managers"])
        ),
        st.integers(min_value=1, max_value=14),
        min_size=1,
        max_size=10,
    ),
    st.integers(min_value=3, max_value=10),
)
def test_no_released_family_isolates_fewer_than_the_minimum(counts, minimum):
    c = cells(counts)
    shown = release(c, minimum)
    assert all(c.size(g) >= minimum for g in shown)
    assert derivable_minimum(c, shown) == 0 or derivable_minimum(c, shown) >= minimum
    smallest = smallest_isolated(c, shown)
    assert smallest == 0 or smallest >= minimum


def test_release_is_the_same_whatever_is_asked():
    """The released family depends on the responses only, so two readers asking for different
    filters draw from one family (and cannot combine their answers to differ)."""
    c = cells({(3, 10, ""): 7, (4, 10, ""): 6, (4, 11, ""): 5, (5, 11, ""): 8})
    assert release(c, 5) == release(c, 5)
    order = candidate_groups(c)
    assert order[0] == EVERYONE
    assert [g.dimensions for g in order] == sorted(g.dimensions for g in order)


def test_brute_force_agrees_with_the_atoms_on_every_small_family():
    c = cells({(3, None, ""): 6, (4, None, ""): 5, (5, None, ""): 7})
    groups = candidate_groups(c)
    for size in (1, 2, 3):
        for family in combinations(groups, size):
            assert smallest_isolated(c, family) >= derivable_minimum(c, family)


def test_group_keys_round_trip():
    for g in [EVERYONE, Group(3), Group(None, 10), Group(None, None, "managers"), Group(3, 10, "employees")]:
        assert Group.from_key(g.key) == g
    assert Group.from_key("nonsense") == EVERYONE
    assert list(product([1], [2]))  # itertools available for the brute force above
