"""Pytrees: the containers transforms accept and return (chainrule.core.tree / cr.tree)."""

import dataclasses
import doctest
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


# ---- paths as their docstring promises, ravel, dataclasses ---------------------------------

def test_paths_print_what_the_docstring_shows():
    # the docstring's examples, run: the path of a leaf is how Python would index it
    assert tree.paths({"W": 0.0, "layers": [1.0, 2.0]}) == ["['W']", "['layers'][0]",
                                                            "['layers'][1]"]
    assert tree.paths({"W": 0.0}, "params") == ["params['W']"]
    finder = doctest.DocTestFinder()
    (test,) = finder.find(tree.paths, "paths", globs={"paths": tree.paths})
    assert doctest.DocTestRunner().run(test).failed == 0


def test_named_tuple_fields_are_named_in_paths():
    assert tree.paths(Pair(1.0, [2.0]), "p") == ["p.first", "p.second[0]"]


def test_ravel_concatenates_every_leaf_and_unravel_inverts_it():
    t = {"W": np.arange(6.0).reshape(2, 3), "b": [np.array([7.0]), 8.0], "none": None}
    flat, unravel = cr.tree.ravel(t)
    assert flat.shape == (8,)
    np.testing.assert_array_equal(flat, [0, 1, 2, 3, 4, 5, 7, 8])
    back = unravel(flat * 2)  # each leaf in its shape again: W = 2·arange(6) as 2×3
    np.testing.assert_array_equal(back["W"], 2 * np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(back["b"][0], [14.0])
    assert back["b"][1].shape == () and back["b"][1] == 16.0 and back["none"] is None


def test_ravel_takes_the_common_dtype_and_unravel_restores_each_leaf_dtype():
    flat, unravel = cr.tree.ravel([np.ones(2, np.float32), np.zeros(1)])
    assert flat.dtype == np.float64
    a, b = unravel(flat)
    assert a.dtype == np.float32 and b.dtype == np.float64


def test_ravel_of_an_empty_tree_is_an_empty_vector():
    flat, unravel = cr.tree.ravel({})
    assert flat.shape == (0,) and unravel(flat) == {}


def test_unravel_refuses_a_vector_of_the_wrong_size():
    _, unravel = cr.tree.ravel({"W": np.ones((2, 2))})
    with pytest.raises(ValueError, match=r"shape \(4,\).*got shape \(3,\)"):
        unravel(np.ones(3))


def test_ravel_and_unravel_are_differentiable():
    t = {"W": np.array([1.0, 2.0]), "b": np.array([3.0])}
    flat, unravel = cr.tree.ravel(t)
    # f(v) = Σ W² + b with (W, b) = unravel(v): ∇f = (2W, 1)
    g = cr.grad(lambda v: (unravel(v)["W"] ** 2).sum() + unravel(v)["b"].sum())(flat)
    np.testing.assert_allclose(g, [2.0, 4.0, 1.0])
    # g(t) = Σ ravel(t)³: ∂g/∂W = 3W², ∂g/∂b = 3b²
    gt = cr.grad(lambda t: (cr.tree.ravel(t)[0] ** 3).sum())(t)
    np.testing.assert_allclose(gt["W"], [3.0, 12.0])
    np.testing.assert_allclose(gt["b"], [27.0])


@cr.tree.register_dataclass
@dataclasses.dataclass
class Layer:
    W: np.ndarray
    b: np.ndarray
    name: str = dataclasses.field(default="dense", metadata={"static": True})


def test_a_registered_dataclass_flattens_to_its_data_fields():
    layer = Layer(np.ones(2), np.zeros(1), name="L1")
    leaves, td = tree.flatten(layer)
    assert len(leaves) == 2 and leaves[0] is layer.W and leaves[1] is layer.b
    back = tree.unflatten(td, leaves)
    assert isinstance(back, Layer) and back.name == "L1" and back.W is layer.W
    # the static field is part of the structure: a different name is a different tree
    assert tree.flatten(Layer(np.ones(2), np.zeros(1), name="L2"))[1] != td


def test_dataclass_fields_are_named_in_paths_and_check_reports():
    params = {"layer": Layer(np.ones(2), np.zeros(1))}
    assert tree.paths(params, "params") == ["params['layer'].W", "params['layer'].b"]
    report = cr.check_grads(lambda p: (p.W ** 2).sum() + p.b.sum(), (Layer(np.ones(2),
                                                                           np.zeros(1)),))
    assert {c.path for c in report.comparisons} == {"p.W", "p.b"}


def test_grad_of_a_dataclass_argument_is_the_dataclass_of_its_gradients():
    # f = Σ W² · b0  =>  ∂f/∂W = 2 W b0, ∂f/∂b0 = Σ W²
    g = cr.grad(lambda p: (p.W ** 2).sum() * p.b[0])(Layer(np.array([1.0, 2.0]),
                                                            np.array([3.0])))
    assert isinstance(g, Layer)
    np.testing.assert_allclose(g.W, [6.0, 12.0])
    np.testing.assert_allclose(g.b, [5.0])


def test_register_dataclass_with_explicit_fields_as_jax_spells_it():
    @dataclasses.dataclass
    class Scaled:
        x: np.ndarray
        scale: float

    cr.tree.register_dataclass(Scaled, data_fields=["x"], meta_fields=["scale"])
    # f = scale · Σ x²  =>  ∂f/∂x = 2 scale x
    g = cr.grad(lambda s: s.scale * (s.x ** 2).sum())(Scaled(np.array([1.0, -1.0]), 3.0))
    np.testing.assert_allclose(g.x, [6.0, -6.0])
    assert g.scale == 3.0


def test_register_dataclass_refuses_a_class_that_is_not_one_and_unknown_fields():
    with pytest.raises(TypeError, match="not a dataclass"):
        cr.tree.register_dataclass(Box)
    with pytest.raises(ValueError, match=r"\['c'\] are not fields"):
        cr.tree.register_dataclass(Layer, data_fields=["W", "c"])


def test_an_unregistered_dataclass_argument_points_to_register_dataclass():
    @dataclasses.dataclass
    class Params:
        W: np.ndarray

    with pytest.raises(TypeError) as e:
        cr.grad(lambda p: (p.W ** 2).sum())(Params(np.ones(2)))
    msg = str(e.value)
    assert "Params object" in msg and "cr.tree.register_dataclass" in msg
    assert "astype(float)" not in msg  # the old, misleading advice


def test_chainrule_tree_imports_as_a_module_and_is_the_one_tree_module():
    import chainrule.tree
    from chainrule.tree import ravel
    assert chainrule.tree is cr.tree is tree and ravel is tree.ravel
