"""Every derivative rule, systematically: the primitive registry against a table of cases.

``RULES`` has one entry per primitive in :func:`chainrule.ops.registry`: how to call it
(which positional arguments are differentiated arrays, which are fixed: axis, shape, index,
dtype, masks, constant exponents), the domain its inputs are drawn from (positive for log
and sqrt, away from kinks and ties for abs, maximum, clip, max ...), and the shapes
(unary: (), (4,), (3, 2); binary: equal shapes and the broadcasting pairs (3,1)&(1,4),
(4,)&(3,4), scalar&array; reductions: every axis/keepdims combination of a (3, 4) input;
matmul: every vector/matrix/batched combination ...). ``test_registry_is_covered`` fails
when a primitive has no entry, so no primitive can be added untested.

Each case is checked in float64 by the harness in :mod:`rulecheck`: forward and reverse
mode against central differences, the dot-product identity <u, J v> = <Jᵀu, v>, and the
rules differentiated again (second order). Then: float32 in, float32 out; the documented
conventions at kinks and ties; and the harness itself must catch wrong rules.
"""

from __future__ import annotations

import importlib
import pathlib

import numpy as np
import pytest

import chainrule as cr
from _harness.complexcheck import (
    check_complex_first_order,
    check_complex_second_order,
    complexify,
    plain_complex,
)
from _harness.modes import both_modes
from _harness.rulecheck import (
    ALL_CHECKS,
    Case,
    assert_close,
    check_dot_product,
    check_jacobians,
    check_jvp,
    check_second_order,
    check_vjp,
    random_like,
)
from _harness.specs import (
    MATMUL_SHAPES,
    REGISTRY,
    D,
    Entry,
    _fixed,
    _label,
    apart,
    at_adds,
    at_sets,
    binary,
    clip_specs,
    distinct,
    getitems,
    mask,
    nonzero,
    normal,
    positive,
    realize,
    reductions,
    scatter_adds,
    softmaxes,
    spec,
    unary,
    wide,
    with_zeros,
)
from chainrule.core import ByArgnum
from chainrule.core import unbroadcast as fit
from chainrule.core.primitive import MissingRule
from chainrule.ops import elementwise, index, linalg, reduce, shape, special

RULES: dict[str, Entry] = {
    # arithmetic
    "add": Entry(binary()),
    "subtract": Entry(binary()),
    "multiply": Entry(binary()),
    "divide": Entry(binary(normal, nonzero)),
    "negative": Entry(unary()),
    "positive": Entry(unary()),
    "copy": Entry(unary()),
    "power": Entry(binary(positive, normal) + [
        spec("negative-base,fixed-int-exponent", D((3, 4), nonzero), 3),
        spec("fixed-exponent-array", D((3, 4), positive), _fixed([0.5, -1.5, 2.0, 3.0])),
        spec("fixed-base", _fixed(2.5), D((3, 4))),
        spec("square-via-2.0", D((4,), nonzero), 2.0),
    ]),
    "square": Entry(unary()),
    "sqrt": Entry(unary(positive)),
    # exponentials, logarithms, trigonometric, hyperbolic
    "exp": Entry(unary()),
    "log": Entry(unary(positive)),
    "sin": Entry(unary()),
    "cos": Entry(unary()),
    "tanh": Entry(unary()),
    "logistic": Entry(unary() + [spec("tails", D((6,), wide))]),
    # kinks, away from them (the conventions at the kinks are tested below)
    "absolute": Entry(unary(nonzero)),
    "maximum": Entry(binary(valid=apart(0.05))),
    "minimum": Entry(binary(valid=apart(0.05))),
    "where": Entry([spec("3x4", mask((3, 4)), D((3, 4)), D((3, 4))),
                    spec("cond-3x1,x-1x4,y-scalar", mask((3, 1)), D((1, 4)), D(())),
                    spec("x-scalar,y-4", mask((3, 4)), D(()), D((4,))),
                    spec("y-fixed", mask((3, 4)), D((3, 4)), 0.0),
                    spec("x-fixed", mask((4,)), 1.5, D((4,)))], static=(0,)),
    "clip": Entry(clip_specs()),
    # fitting: the machine's own primitives
    "broadcast_to": Entry([spec("3x1->2x3x4", D((3, 1)), (2, 3, 4)),
                           spec("scalar->3", D(()), (3,)),
                           spec("4->3x4", D((4,)), (3, 4)),
                           spec("same", D((3, 4)), (3, 4))], static=(1,)),
    "sum_to": Entry([spec("2x3x4->3x1", D((2, 3, 4)), (3, 1)),
                     spec("3x4->4", D((3, 4)), (4,)),
                     spec("3x4->scalar", D((3, 4)), ()),
                     spec("3x4->1x1", D((3, 4)), (1, 1)),
                     spec("same", D((3, 4)), (3, 4))], static=(1,)),
    "cast": Entry([spec("float64->float64", D((3, 4)), np.float64),
                   spec("float64->longdouble", D((4,)), np.longdouble)], static=(1,)),
    # reductions
    "sum": Entry(reductions()),
    "max": Entry(reductions(distinct)),
    "min": Entry(reductions(distinct)),
    "prod": Entry(reductions(positive) + [
        spec("signed,axis=None", D((3, 4), nonzero)),
        spec("signed,axis=0", D((3, 4), nonzero), axis=0),
        spec("one-zero,axis=1", D((2, 3), with_zeros(1)), axis=1),
        spec("one-zero,axis=None", D((2, 3), with_zeros(1))),
        spec("two-zeros,axis=None", D((2, 3), with_zeros(2))),
        spec("two-zeros,axis=0,keepdims", D((3, 2), with_zeros(2)), axis=0, keepdims=True),
        spec("zeros,axis=(0,2)", D((2, 3, 2), with_zeros(3)), axis=(0, 2)),
        spec("scalar-zero", D((), with_zeros(1))),
    ]),
    "logsumexp": Entry(reductions() + [
        spec("large", D((3, 4), lambda r, s: 1e3 * r.standard_normal(s)), axis=1)]),
    "softmax": Entry(softmaxes()),
    "log_softmax": Entry(softmaxes()),
    # shapes
    "reshape": Entry([spec("3x4->4x3", D((3, 4)), (4, 3)),
                      spec("3x4->-1", D((3, 4)), (-1,)),
                      spec("12->2x2x3", D((12,)), (2, 2, 3)),
                      spec("scalar->1x1", D(()), (1, 1)),
                      spec("1x1->scalar", D((1, 1)), ())], static=(1,)),
    "transpose": Entry([spec("3x4", D((3, 4))),
                        spec("2x3x4,axes=(2,0,1)", D((2, 3, 4)), (2, 0, 1)),
                        spec("2x3x4,axes=(-1,0,1)", D((2, 3, 4)), (-1, 0, 1)),
                        spec("2x3x4,axes=kw", D((2, 3, 4)), axes=(1, 2, 0)),
                        spec("2x3x4,axes=None", D((2, 3, 4)), None),
                        spec("scalar", D(()))], static=(1,)),
    "swapaxes": Entry([spec("3x4", D((3, 4)), 0, 1),
                       spec("2x3x4,0,2", D((2, 3, 4)), 0, 2),
                       spec("2x3x4,-1,0", D((2, 3, 4)), -1, 0),
                       spec("same-axis", D((2, 3)), 1, 1)], static=(1, 2)),
    "moveaxis": Entry([spec("2x3x4,0->-1", D((2, 3, 4)), 0, -1),
                       spec("2x3x4,-1->1", D((2, 3, 4)), -1, 1),
                       spec("2x3x4,(0,1)->(2,0)", D((2, 3, 4)), (0, 1), (2, 0))],
                      static=(1, 2)),
    "expand_dims": Entry([spec("4,axis=0", D((4,)), 0),
                          spec("3x4,axis=-1", D((3, 4)), -1),
                          spec("3x4,axis=(0,2)", D((3, 4)), (0, 2)),
                          spec("scalar", D(()), 0)], static=(1,)),
    "squeeze": Entry([spec("3x1x4,axis=1", D((3, 1, 4)), 1),
                      spec("1x3x1,axis=None", D((1, 3, 1))),
                      spec("1x3x1,axis=(0,-1)", D((1, 3, 1)), (0, -1)),
                      spec("1x1,axis=kw", D((1, 1)), axis=0)], static=(1,)),
    "concatenate": Entry([spec("2-inputs,axis=0", D((2, 3)), D((1, 3))),
                          spec("3-inputs,axis=1", D((2, 1)), D((2, 3)), D((2, 2)), axis=1),
                          spec("3-inputs,axis=-1", D((4,)), D((2,)), D((3,)), axis=-1),
                          spec("fixed-middle", D((2, 2)), _fixed(np.ones((1, 2))),
                               D((3, 2)))], variadic=True),
    "stack": Entry([spec("2-inputs", D((3,)), D((3,))),
                    spec("3-inputs,axis=1", D((2, 3)), D((2, 3)), D((2, 3)), axis=1),
                    spec("3-inputs,axis=-1", D((2,)), D((2,)), D((2,)), axis=-1),
                    spec("scalars", D(()), D(()), D(())),
                    spec("fixed-first", _fixed([1.0, 2.0]), D((2,)), axis=1)], variadic=True),
    # indexing
    "getitem": Entry(getitems(), static=(1,)),
    "scatter_add": Entry(scatter_adds(), static=(1, 2)),
    "at_set": Entry(at_sets(), static=(2,)),
    "at_add": Entry(at_adds(), static=(2,)),
    # products
    # complex parts
    "real": Entry(unary()),
    "imag": Entry(unary()),
    "angle": Entry(unary(nonzero) + [spec("deg", D((3, 2), nonzero), deg=True)]),
    "matmul": Entry([spec(f"{_label(a)}@{_label(b)}", D(a), D(b)) for a, b in MATMUL_SHAPES]
                    + [spec("fixed-left", _fixed(np.ones((2, 3))), D((3, 2))),
                       spec("fixed-right", D((2, 3)), _fixed(np.arange(3.0)))]),
}


# Tables for further families live in rules_*.py beside this file, each a RULES dict.
ELSEWHERE: dict[str, str] = {}  # primitive -> the test file that checks it (complex results)
for _path in sorted(pathlib.Path(__file__).parent.glob("rules_*.py")):
    _module = importlib.import_module(f"{__package__}.{_path.stem}")
    _table = _module.RULES
    ELSEWHERE.update(getattr(_module, "CHECKED_ELSEWHERE", {}))
    _clash = set(_table) & set(RULES)
    assert not _clash, f"{_path.name} repeats entries of another table: {sorted(_clash)}"
    RULES.update(_table)

CASES = [realize(name, s) for name, entry in RULES.items() if name in REGISTRY
         for s in entry.specs]
CASE_IDS = [c.id for c in CASES]


def _complex_cases() -> list[Case]:
    """Every case of every entry not marked ``real_only``, with its differentiated arguments
    complex; and, for cases with several, the first kept real (a real input meeting complex
    ones)."""
    out = []
    for c in CASES:
        entry = RULES[c.name]
        if entry.real_only or not c.diff:
            continue
        make = entry.to_complex or plain_complex
        out.append(complexify(c, make))
        if len(c.diff) > 1:
            out.append(complexify(c, make, real_args=c.diff[:1]))
    return out


COMPLEX_CASES = _complex_cases()
COMPLEX_IDS = [c.id for c in COMPLEX_CASES]


# ---- the registry and the table agree -------------------------------------------------------

def _uncovered(registry) -> list[str]:
    return sorted(name for name in registry if (name not in RULES or not RULES[name].specs)
                  and not (pathlib.Path(__file__).parents[2] / ELSEWHERE.get(name, "-")).is_file())


def test_registry_is_covered():
    """Every primitive in the registry has cases (add a RULES entry for a new primitive)."""
    missing = _uncovered(REGISTRY)
    assert not missing, f"primitives without an entry in tests/ops/test_rules.py RULES: {missing}"
    stale = sorted(set(RULES) - set(REGISTRY))
    assert not stale, f"RULES entries for primitives that are not in the registry: {stale}"


def test_a_new_primitive_without_cases_is_noticed(monkeypatch):
    """The coverage test sees a primitive added to a rule family (here: a fake one)."""
    new = cr.Primitive(np.cbrt, "cbrt_not_in_the_table")
    monkeypatch.setattr(elementwise, "cbrt_not_in_the_table", new, raising=False)
    assert _uncovered(cr.ops.registry()) == ["cbrt_not_in_the_table"]


def test_registry_is_sane():
    """Names are unique: no primitive of a family is hidden behind another of its name."""
    assert len(REGISTRY) >= 40
    for name, p in REGISTRY.items():
        assert isinstance(p, cr.Primitive) and p.name == name and not p.nondiff
    for mod in (elementwise, reduce, shape, index, linalg, special, fit):
        for obj in vars(mod).values():
            if isinstance(obj, cr.Primitive) and not obj.nondiff:
                assert REGISTRY[obj.name] is obj, f"two primitives are named {obj.name!r}"


def _rule(rules, i):
    """The rule for argument ``i``; None when there is none (declared None, or never given)."""
    if isinstance(rules, ByArgnum):
        return rules[i]
    rule = rules[i] if i < len(rules) else None
    return None if isinstance(rule, MissingRule) else rule


@pytest.mark.parametrize("name", sorted(RULES))
def test_rules_are_declared(name):
    """Both modes have rules; structural arguments have none; variadics use ``ByArgnum``."""
    p, entry = REGISTRY[name], RULES[name]
    assert p.vjps is not None and p.jvps is not None, f"{name}: a mode has no rules"
    if entry.variadic:
        assert isinstance(p.vjps, ByArgnum) and isinstance(p.jvps, ByArgnum), name
    else:
        assert isinstance(p.vjps, tuple) and isinstance(p.jvps, tuple), name
    for i in entry.static:
        assert _rule(p.vjps, i) is None and _rule(p.jvps, i) is None, (
            f"{name}: argument {i} is structural but has a rule")
    for s in entry.specs:
        for i, a in enumerate(s.args):
            if isinstance(a, D):
                assert callable(_rule(p.vjps, i)) and callable(_rule(p.jvps, i)), (
                    f"{name}[{s.label}]: argument {i} is differentiated but has no rule")


# ---- float64: every rule against finite differences ---------------------------------------

@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_jvp(case):
    check_jvp(case)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_vjp(case):
    check_vjp(case)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_jacobians(case):
    check_jacobians(case)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_dot_product_identity(case):
    check_dot_product(case)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_second_order(case):
    check_second_order(case)


# ---- complex inputs: finite differences in the real and the imaginary directions ----------

@pytest.mark.parametrize("case", COMPLEX_CASES, ids=COMPLEX_IDS)
def test_complex_first_order(case):
    check_complex_first_order(case)


@pytest.mark.parametrize("case", COMPLEX_CASES, ids=COMPLEX_IDS)
def test_complex_second_order(case):
    check_complex_second_order(case)


def test_every_real_only_entry_says_why():
    """A primitive left out of the complex sweep is named with its reason, and the sweep
    covers the rest (most of the registry)."""
    flagged = {n: e.real_only for n, e in RULES.items() if e.real_only}
    for name, why in flagged.items():
        assert len(why) > 10, f"{name}: real_only needs a reason, not {why!r}"
    checked = {c.name for c in COMPLEX_CASES}
    covered = checked | set(flagged) | set(ELSEWHERE)  # ELSEWHERE: tested on their own
    assert covered >= set(REGISTRY), sorted(set(REGISTRY) - covered)
    assert len(checked) > len(flagged)


# ---- float32 in, float32 out ----------------------------------------------------------------

def _float32_cases() -> list[Case]:
    out = [c.astype(np.float32) for c in CASES if c.name != "cast"]
    out.append(Case("cast", "float32->float64", REGISTRY["cast"],
                    [np.linspace(-1, 1, 4, dtype=np.float32), np.float64], (0,)))
    out.append(Case("cast", "float32->float32", REGISTRY["cast"],
                    [np.linspace(-1, 1, 4, dtype=np.float32), np.float32], (0,)))
    return out


F32_CASES = _float32_cases()


@pytest.mark.parametrize("case", F32_CASES, ids=[c.id for c in F32_CASES])
def test_float32_stays_float32(case):
    """Derivatives of float32 inputs are float32: through the transforms and in the raw
    rules (no float64 computed and cast back), and close to the float64 derivatives."""
    xs = case.primals()
    rng = case.rng("f32")
    out = case.f(*xs)
    want_dtype = np.float64 if case.label == "float32->float64" else np.float32
    assert np.result_type(out) == want_dtype, f"{case.id}: output dtype {np.result_type(out)}"
    vs = tuple(random_like(rng, x) for x in xs)
    u = random_like(rng, out)
    _, tan = cr.jvp(case.f, xs, vs)
    assert np.result_type(tan) == want_dtype, f"{case.id}: tangent dtype {np.result_type(tan)}"
    cts = cr.vjp(case.f, *xs)[1](u)
    for k, ct in enumerate(cts):
        assert np.result_type(ct) == np.float32, f"{case.id}: cotangent {k} is {ct.dtype}"
    # second order stays float32 too
    _, dF = cr.jvp(lambda *ys: cr.vjp(case.f, *ys)[1](u), xs, vs)
    for k, t in enumerate(dF):
        assert np.result_type(t) == np.float32, f"{case.id}: jvp of vjp {k} is {t.dtype}"
    # the raw rules, before the machine fits dtypes
    plain = [np.asarray(a) if isinstance(a, np.ndarray) else a for a in case.args]
    for i in case.diff:
        for kind, rules, seed in (("VJP", case.prim.vjps, u), ("JVP", case.prim.jvps, None)):
            g = seed if seed is not None else random_like(rng, plain[i])
            r = _rule(rules, i)(g, np.asarray(out), *plain, **case.kwargs)
            expected = want_dtype if kind == "JVP" else np.float32
            if isinstance(r, (np.ndarray, np.generic)):
                assert r.dtype == expected, (
                    f"{case.id}: the raw {kind} rule for argument {i} computes in {r.dtype}")
    # and the float32 derivatives are the float64 ones, rounded
    xs64 = tuple(x.astype(np.float64) for x in xs)
    c64 = case.astype(np.float64)
    cts64 = cr.vjp(c64.f, *xs64)[1](u.astype(np.result_type(c64.f(*xs64))))
    for k, (a, b) in enumerate(zip(cts, cts64, strict=True)):
        assert_close(a, b, 2e-3, f"{case.id}: float32 cotangent {k} vs float64")


# ---- the documented conventions at kinks and ties --------------------------------------------
# Hand-derived from the docstrings: the derivative is split evenly at a tie, |x|'(0) = 0, and
# clip passes the derivative at its boundaries. Both modes must agree with the convention.

@pytest.mark.parametrize("f, x, want", [
    (lambda z: cr.ops.maximum(z[0], z[1]), [1.0, 1.0], [0.5, 0.5]),
    (lambda z: cr.ops.minimum(z[0], z[1]), [-2.0, -2.0], [0.5, 0.5]),
    (lambda z: cr.ops.max(z), [3.0, 1.0, 3.0], [0.5, 0.0, 0.5]),
    (lambda z: cr.ops.min(z), [0.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3]),
    (lambda z: cr.ops.absolute(z), [0.0], [[0.0]]),
    (lambda z: cr.ops.clip(z, -1.0, 1.0), [-1.0, 1.0], [[1.0, 0.0], [0.0, 1.0]]),
    (lambda z: cr.ops.prod(z), [2.0, 0.0, 3.0], [0.0, 6.0, 0.0]),
    (lambda z: cr.ops.prod(z), [0.0, 0.0, 3.0], [0.0, 0.0, 0.0]),
], ids=["maximum-tie", "minimum-tie", "max-2-way-tie", "min-3-way-tie", "abs-at-0",
        "clip-at-bounds", "prod-one-zero", "prod-two-zeros"])
def test_conventions_at_kinks_and_ties(f, x, want):
    fwd, rev = both_modes(f, x)
    assert_close(fwd, np.array(want), 1e-15, "forward mode")
    assert_close(rev, np.array(want), 1e-15, "reverse mode")


def test_prod_hessian_at_zero():
    """∂²(x0 x1 x2)/∂xi∂xj = x_k (k the third index), also where an entry is 0."""
    x = np.array([2.0, 0.0, 3.0])
    want = np.array([[0.0, x[2], x[1]], [x[2], 0.0, x[0]], [x[1], x[0], 0.0]])
    assert_close(cr.hessian(cr.ops.prod)(x), want, 1e-15, "hessian of prod at a zero")
    assert_close(cr.jacrev(cr.jacrev(cr.ops.prod))(x), want, 1e-15, "rev-over-rev")
    # third order: ∂³/∂xi∂xj∂xk = 1 for distinct i, j, k, else 0 — at two zeros, too
    third = np.array([[[float(len({i, j, k}) == 3) for k in range(3)] for j in range(3)]
                      for i in range(3)])
    for x in (np.array([2.0, 0.0, 3.0]), np.array([0.0, 0.0, 3.0])):
        assert_close(cr.jacfwd(cr.hessian(cr.ops.prod))(x), third, 1e-15, "third order")


# ---- large inputs: the special functions' rules stay finite and exact ----------------------

@pytest.mark.parametrize("name, kwargs", [("softmax", {}), ("log_softmax", {"axis": 0}),
                                          ("logsumexp", {"axis": 1}), ("logsumexp", {})])
@pytest.mark.parametrize("shift", [1e3, -1e3])
def test_shift_invariance_at_large_inputs(name, kwargs, shift):
    """softmax, log_softmax and ∇logsumexp do not change when a constant is added, so their
    Jacobians at x ± 1e3 must equal those at x (a naive exp would overflow to inf/nan)."""
    p = REGISTRY[name]
    x = np.random.default_rng(11).standard_normal((3, 4))
    f = lambda z: p(z, **kwargs)
    for jac in (cr.jacfwd, cr.jacrev):
        assert_close(jac(f)(x + shift), jac(f)(x), 1e-9, f"{name} {jac.__name__} at x{shift:+g}")
    wide = 1e3 * np.random.default_rng(12).standard_normal((3, 4))
    for jac in (cr.jacfwd, cr.jacrev):
        assert np.all(np.isfinite(jac(f)(wide))), f"{name}: non-finite derivative at ±1e3"


# ---- the harness catches wrong rules ---------------------------------------------------------

def _sin_with(vjp_rule=None, jvp_rule=None):
    p = cr.primitive(np.sin, name="sin_under_test")
    p.defvjp(vjp_rule or (lambda g, ans, x: g * cr.ops.cos(x)))
    p.defjvp(jvp_rule or (lambda t, ans, x: t * cr.ops.cos(x)))
    return p


def _case_for(p, shape=(3,)):
    x = np.random.default_rng(7).uniform(0.2, 1.2, shape)
    return Case(p.name, "checker", p, [x], (0,))


def _wrong_cos():
    """cos with a wrong derivative (+sin instead of -sin): right values, wrong rules."""
    c = cr.primitive(np.cos, name="cos_with_wrong_derivative")
    c.defvjp(lambda g, ans, x: g * cr.ops.sin(x))
    c.defjvp(lambda t, ans, x: t * cr.ops.sin(x))
    return c


def test_the_correct_reference_primitive_passes():
    """The control: the same construction with right rules passes every check."""
    p = _sin_with()
    case = _case_for(p)
    for check in ALL_CHECKS.values():
        check(case)
    cr.check_grads(p, (case.args[0],), order=2)


def test_wrong_vjp_is_caught():
    p = _sin_with(vjp_rule=lambda g, ans, x: g * cr.ops.sin(x))
    case = _case_for(p)
    check_jvp(case)  # forward mode is right
    for check in (check_vjp, check_jacobians, check_dot_product):
        with pytest.raises(AssertionError):
            check(case)
    with pytest.raises(cr.GradientCheckError):
        cr.check_grads(p, (case.args[0],), modes=("rev",))
    cr.check_grads(p, (case.args[0],), modes=("fwd",))


def test_wrong_jvp_is_caught():
    p = _sin_with(jvp_rule=lambda t, ans, x: -t * cr.ops.cos(x))
    case = _case_for(p)
    check_vjp(case)
    for check in (check_jvp, check_jacobians, check_dot_product):
        with pytest.raises(AssertionError):
            check(case)
    with pytest.raises(cr.GradientCheckError):
        cr.check_grads(p, (case.args[0],), modes=("fwd",))


def test_wrong_broadcasting_in_a_rule_is_caught():
    """A binary rule that forgets a factor only visible under broadcasting is caught."""
    m = cr.primitive(np.multiply, name="multiply_under_test")
    m.defvjp(lambda g, ans, x, y: g * y, lambda g, ans, x, y: g * x * np.size(g) / np.size(y))
    m.defjvp(lambda t, ans, x, y: t * y, lambda t, ans, x, y: x * t)
    rng = np.random.default_rng(3)
    same = Case(m.name, "same", m, [rng.normal(size=(3, 4)), rng.normal(size=(3, 4))], (0, 1))
    check_vjp(same)  # right when no broadcasting happens
    bcast = Case(m.name, "bcast", m, [rng.normal(size=(3, 4)), rng.normal(size=(4,))], (0, 1))
    with pytest.raises(AssertionError):
        check_vjp(bcast)


@pytest.mark.parametrize("inner", ["stop_gradient", "wrong_cos"])
def test_wrong_second_order_is_caught(inner):
    """Right first-order rules whose own derivatives are wrong: order 1 passes, order 2 not.

    ``stop_gradient``: the rule cuts its dependence on x (as a rule written in plain NumPy
    would); ``wrong_cos``: the rule uses a cos whose derivative has the wrong sign.
    """
    cos = (lambda x: cr.ops.cos(cr.stop_gradient(x))) if inner == "stop_gradient" \
        else _wrong_cos()
    p = _sin_with(vjp_rule=lambda g, ans, x: g * cos(x), jvp_rule=lambda t, ans, x: t * cos(x))
    case = _case_for(p)
    for check in (check_jvp, check_vjp, check_jacobians, check_dot_product):
        check(case)
    cr.check_grads(p, (case.args[0],), order=1)
    with pytest.raises(AssertionError):
        check_second_order(case)
    with pytest.raises(cr.GradientCheckError):
        cr.check_grads(p, (case.args[0],), order=2)


def test_wrong_second_order_in_one_mode_is_caught():
    """Only the VJP rule's derivative is wrong: the reverse-mode second-order checks see it."""
    p = _sin_with(vjp_rule=lambda g, ans, x: g * _wrong_cos()(x))
    case = _case_for(p)
    with pytest.raises(AssertionError, match="VJP"):
        check_second_order(case)
    with pytest.raises(cr.GradientCheckError):
        cr.check_grads(p, (case.args[0],), order=2, modes=("rev",))
    cr.check_grads(p, (case.args[0],), order=2, modes=("fwd",))


class _Mutated:
    """A primitive's rules with the rule for argument ``i`` replaced by ``wrap(rule)``."""

    def __init__(self, rules, i, wrap):
        self.rules, self.i, self.wrap = rules, i, wrap

    def __getitem__(self, j):
        rule = _rule(self.rules, j)
        return self.wrap(rule) if j == self.i else rule

    def __len__(self):
        return len(self.rules)


def _scaled(rule):
    """Off by 1 %: a wrong first-order rule."""
    return lambda g, ans, *a, **k: 1.01 * rule(g, ans, *a, **k)


def _bent(i):
    """The same value, a wrong derivative: adds 0.1 Σ(x - stop_gradient(x)) Σ ā, which is 0
    but has derivative 0.1 Σ ā in every entry of x (a rule that differentiates wrongly)."""
    def wrap(rule):
        def bent(g, ans, *a, **k):
            x = a[i]
            return rule(g, ans, *a, **k) + 0.1 * cr.ops.sum(x - cr.stop_gradient(x)) \
                * cr.ops.sum(g)
        return bent
    return wrap


MUTANT_CASES = [c for c in CASES if np.size(c.f(*c.primals())) > 0]


@pytest.mark.parametrize("case", MUTANT_CASES, ids=[c.id for c in MUTANT_CASES])
def test_harness_catches_wrong_rules_of_every_primitive(case, monkeypatch):
    """Mutation test of the harness: for every case and differentiated argument, a rule off
    by 1 % is caught by the first-order checks, and a rule with the right value but a wrong
    derivative is caught by the second-order check, in each mode."""
    p = case.prim
    xs = case.primals()
    for k, i in enumerate(case.diff):
        mutations = [("vjps", _bent(i), check_second_order),
                     ("jvps", _bent(i), check_second_order)]
        jac = cr.numerical_jacobian(
            lambda v: case.f(*[v if j == k else x for j, x in enumerate(xs)]), xs[k])
        if np.any(np.abs(jac) > 1e-6):  # else scaling the rule changes nothing
            mutations += [("vjps", _scaled, check_vjp), ("jvps", _scaled, check_jvp)]
        for attr, wrap, check in mutations:
            original = getattr(p, attr)
            monkeypatch.setattr(p, attr, _Mutated(original, i, wrap))
            with pytest.raises(AssertionError):
                check(case)
            monkeypatch.setattr(p, attr, original)
    check_vjp(case)  # and the originals are back


def test_every_case_is_distinct_and_in_domain():
    """The table draws finite inputs and no two cases share an id."""
    assert len(set(CASE_IDS)) == len(CASE_IDS)
    for c in CASES:
        out = np.asarray(c.f(*c.primals()))
        assert np.all(np.isfinite(out.astype(np.float64))), c.id

