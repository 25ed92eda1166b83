"""API key names: ``key:role[+assert]@name`` names the holder in audit records."""

from __future__ import annotations

import pytest

from yieldopt_api.security import KeyRing, Role, key_id

KEY_A, KEY_B, KEY_C = "k3y-for-anna-0001", "k3y:with:colons-02", "k3y-plain-000003"


def test_names_parse_with_roles_and_assert():
    ring = KeyRing.parse(f"{KEY_A}:admin@rm-anna, {KEY_B}:book+assert@pos_1.desk,{KEY_C}:read")
    a, b, c = (ring.lookup(k) for k in (KEY_A, KEY_B, KEY_C))
    assert (a.role, a.name, a.key_id) == (Role.admin, "rm-anna", key_id(KEY_A))
    assert (b.role, b.can_assert, b.name) == (Role.book, True, "pos_1.desk")
    # Without a name, the key id names it (12 hex digits of its SHA-256), never the key.
    assert c.name == c.key_id == key_id(KEY_C) and len(c.name) == 12 and KEY_C not in c.name


def test_a_key_listed_twice_keeps_its_first_name():
    ring = KeyRing.parse(f"{KEY_A}:read@first\n{KEY_A}:admin@second")
    p = ring.lookup(KEY_A)
    assert (p.role, p.name) == (Role.admin, "first")


@pytest.mark.parametrize("name", ["", "has space", "x" * 65, "semi;colon", "ünï"])
def test_bad_names_are_refused_without_echoing_the_key(name):
    with pytest.raises(ValueError, match="invalid name after @") as err:
        KeyRing.parse(f"{KEY_A}:admin@{name}")
    assert KEY_A not in str(err.value)
