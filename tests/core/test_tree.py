"""Pytrees: the containers transforms accept and return (chainrule.core.tree / cr.tree)."""

from collections import namedtuple

import numpy as np
import pytest

import chainrule as cr
from chainrule.core import tree

Pair = namedtuple("Pair", ["first", "second"])


class Box:
    """A user container registered with cr.tree.register in the tests below."""

    def __init__(self, weight, bias, label="box"):
        self.weight = weight
        self.bias = bias
        self.label = label


cr.tree.register(Box,
                 lambda b: ((b.weight, b.bias), b.label),
                 lambda label, children: Box(*children, label=label))


def test_flatten_order_is_depth_first_and_dicts_keep_insertion_order():
    t = {"b": [1, (2, 3)], "a": {"z": 4, "y": 5}}
    leaves, _ = tree.flatten(t)
    assert leaves == [1, 2, 3, 4, 5]


def test_unflatten_inverts_flatten_for_every_container():
    a, b, c = np.ones(2), np.zeros((2, 3)), np.float64(3.0)
    t = {"list": [a, (b, None)], "pair": Pair(c, [a]), "box": Box(b, c, label="L"),
         "none": None}
    leaves, td = tree.flatten(t)
    assert len(leaves) == 6  # None is an empty container, not a leaf
    back = tree.unflatten(td, leaves)
    assert type(back["list"]) is list and type(back["list"][1]) is tuple
    assert back["list"][1][1] is None and back["none"] is None
    assert type(back["pair"]) is Pair and back["pair"].first is c
    assert isinstance(back["box"], Box) and back["box"].label == "L"
    assert back["box"].weight is b and back["box"].bias is c


def test_treedefs_compare_by_structure():
    _, td1 = tree.flatten({"a": 1, "b": [2, 3]})
    _, td2 = tree.flatten({"a": 10, "b": [20, 30]})
    _, td3 = tree.flatten({"a": 1, "b": (2, 3)})
    assert td1 == td2
    assert td1 != td3


def test_tree_map_with_several_trees():
    t = {"x": [1.0, 2.0], "y": Pair(3.0, None)}
    u = {"x": [10.0, 20.0], "y": Pair(30.0, None)}
    out = tree.tree_map(lambda p, q: p + q, t, u)
    assert out == {"x": [11.0, 22.0], "y": Pair(33.0, None)}


def test_leaves_and_paths():
    t = {"W": np.ones(2), "layers": [np.zeros(1), {"b": 2.0}], "skip": None}
    assert len(tree.leaves(t)) == 3
    assert tree.paths(t) == ["['W']", "['layers'][0]", "['layers'][1]['b']"]


def test_scalars_and_arrays_are_leaves():
    for leaf in (1.0, np.float32(2), np.arange(3.0), "text"):
        leaves, td = tree.flatten(leaf)
        assert len(leaves) == 1 and leaves[0] is leaf
        assert tree.unflatten(td, leaves) is leaf


def test_grad_through_every_container_kind():
    w, b = np.array([1.0, -2.0]), np.array([0.5, 3.0])
    # f = Σ w² b  =>  ∂f/∂w = 2 w b,  ∂f/∂b = w²
    dw, db = 2 * w * b, w ** 2

    def f_dict(p):
        return np.sum(p["w"] ** 2 * p["b"])

    g = cr.grad(f_dict)({"w": w, "b": b, "unused": None})
    assert g["unused"] is None
    np.testing.assert_allclose(g["w"], dw)
    np.testing.assert_allclose(g["b"], db)

    g = cr.grad(lambda p: np.sum(p[0] ** 2 * p[1]))([w, b])
    assert isinstance(g, list)
    np.testing.assert_allclose(g[0], dw)

    g = cr.grad(lambda p: np.sum(p[0] ** 2 * p[1]))((w, b))
    assert isinstance(g, tuple)
    np.testing.assert_allclose(g[1], db)

    g = cr.grad(lambda p: np.sum(p.first ** 2 * p.second))(Pair(w, b))
    assert type(g) is Pair
    np.testing.assert_allclose(g.first, dw)
    np.testing.assert_allclose(g.second, db)

    g = cr.grad(lambda p: np.sum(p.weight ** 2 * p.bias))(Box(w, b, label="mine"))
    assert isinstance(g, Box) and g.label == "mine"
    np.testing.assert_allclose(g.weight, dw)
    np.testing.assert_allclose(g.bias, db)


def test_pytree_outputs_in_both_modes():
    x = np.array([1.0, 2.0, 3.0])

    def f(x):
        return {"sq": x ** 2, "parts": Pair(np.sum(x), Box(3 * x, None, label="out"))}

    out, tangent = cr.jvp(f, (x,), (np.array([1.0, 0.0, -1.0]),))
    np.testing.assert_allclose(out["sq"], x ** 2)
    np.testing.assert_allclose(tangent["sq"], [2.0, 0.0, -6.0])
    assert type(tangent["parts"]) is Pair
    np.testing.assert_allclose(tangent["parts"].first, 0.0)
    assert isinstance(tangent["parts"].second, Box) and tangent["parts"].second.bias is None
    np.testing.assert_allclose(tangent["parts"].second.weight, [3.0, 0.0, -3.0])

    out, vjp_fn = cr.vjp(f, x)
    ct = {"sq": np.array([1.0, 1.0, 1.0]),
          "parts": Pair(2.0, Box(np.array([0.0, 1.0, 0.0]), None, label="out"))}
    (gx,) = vjp_fn(ct)
    # ā_x = 2x·1 + 2 + 3·[0,1,0]
    np.testing.assert_allclose(gx, 2 * x + 2 + np.array([0.0, 3.0, 0.0]))

    jac = cr.jacrev(f)(x)
    np.testing.assert_allclose(jac["sq"], np.diag(2 * x))
    np.testing.assert_allclose(jac["parts"].first, np.ones(3))
    np.testing.assert_allclose(jac["parts"].second.weight, 3 * np.eye(3))


def test_none_leaves_stay_none_in_tangents_and_jacobians():
    p = {"w": np.array([1.0, 2.0]), "frozen": None}
    f = lambda p: np.sum(p["w"] ** 3)
    out, t = cr.jvp(f, (p,), ({"w": np.array([1.0, 1.0]), "frozen": None},))
    np.testing.assert_allclose(t, 3 * 1.0 + 3 * 4.0)
    (g,) = cr.vjp(f, p)[1](1.0)
    assert g["frozen"] is None
    j = cr.jacfwd(f)(p)
    assert j["frozen"] is None
    np.testing.assert_allclose(j["w"], [3.0, 12.0])


def test_mismatched_tangent_structure_is_a_type_error():
    with pytest.raises(TypeError, match="structure"):
        cr.jvp(lambda p: p["a"], ({"a": 1.0},), ({"b": 1.0},))
