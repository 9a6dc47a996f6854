"""The `chainrule demo` command (what `make demo` runs) prints the lecture's numbers."""

import numpy as np

from chainrule.cli import main


def test_demo_prints_the_lecture_derivatives(capsys):
    assert main(["demo", "--w0", "0.5", "--w1", "2.0", "--x", "1.5"]) == 0
    out = capsys.readouterr().out
    a5 = 2.0 * 1.5 + 0.5
    # forward mode: dy1/dw1 = x cos(a5); reverse mode: dy2/dw0 = -sin(a5)
    assert f"{1.5 * np.cos(a5): .6f}" in out
    assert f"{-np.sin(a5): .6f}" in out
    # the MLP gradient agrees with the hand derivation to rounding
    rels = [float(line.rsplit("=", 1)[1]) for line in out.splitlines() if "hand-derived| =" in line]
    assert len(rels) == 2 and max(rels) < 1e-12


def test_unknown_command_is_refused(capsys):
    assert main(["nonsense"]) == 2
    assert "unknown command" in capsys.readouterr().err


# ---- chainrule explain --------------------------------------------------------------------

def test_explain_prints_the_lecture_tangent(capsys):
    argv = ["explain", "sin(w1*x + w0)", "--at", "w0=0.5", "w1=2", "x=1.5", "--wrt", "w1"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    a5 = 2.0 * 1.5 + 0.5
    assert f"{1.5 * np.cos(a5):.6g}" in out  # ȧ6 = x cos(a5) = ∂y1/∂w1
    assert f"{np.sin(a5):.6g}" in out  # the value
    assert "w1*x + w0" in out  # the source sub-expression
    assert "ā" not in out  # only forward mode was asked for


def test_explain_reverse_mode_of_one_output(capsys):
    argv = ["explain", "(sin(w1*x + w0), np.cos(w1*x + w0))", "--at", "w0=0.5", "w1=2",
            "x=1.5", "--output", "1", "--ascii"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    a5 = 2.0 * 1.5 + 0.5
    assert out.isascii() and "bar_a" in out and "dot_a" not in out
    # ∂y2/∂w0 = -sin(a5), ∂y2/∂w1 = -x sin(a5), ∂y2/∂x = -w1 sin(a5)
    for v in (-np.sin(a5), -1.5 * np.sin(a5), -2.0 * np.sin(a5)):
        assert f"{v:.6g}" in out


def test_explain_arrays_cotangent_and_both_columns(capsys):
    assert main(["explain", "np.sum(x**2) * y", "--at", "x=[1, 2, 3]", "y=2"]) == 0
    out = capsys.readouterr().out
    assert "[2, 4, 6]" in out  # ȧ of x**2 seeded at x = ones: 2x
    assert "[4, 8, 12]" in out  # ā of x: 2xy
    assert main(["explain", "x * 3", "--at", "x=[1, 2]", "--output", "0",
                 "--cotangent", "[1, 10]"]) == 0
    assert "[3, 30]" in capsys.readouterr().out


def test_explain_dot(capsys):
    assert main(["explain", "exp(x) + x", "--at", "x=0.5", "--dot"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("digraph") and "exp" in out and "add" in out


def test_explain_errors_name_the_problem(capsys):
    assert main(["explain", "sin(w1*x + w0)", "--at", "w0=0.5", "w1=2"]) == 2
    err = capsys.readouterr().err
    assert "'x'" in err and "--at x=" in err
    assert main(["explain", "sin(x", "--at", "x=1"]) == 2
    assert "could not parse" in capsys.readouterr().err
    assert main(["explain", "x.sum()", "--at", "x=1"]) == 2
    assert "chainrule.numpy" in capsys.readouterr().err
    assert main(["explain", "frobnicate(x)", "--at", "x=1"]) == 2
    assert "'frobnicate' is not a chainrule.numpy function" in capsys.readouterr().err
    assert main(["explain", "sin(x)", "--at", "x=abc"]) == 2
    assert "not a number" in capsys.readouterr().err
    assert main(["explain", "sin(x)", "--at", "x=1", "--wrt", "y"]) == 2
    assert "not a variable" in capsys.readouterr().err
    assert main(["explain", "sin(x)", "--at", "x=1", "--output", "3"]) == 2
    assert "1 output" in capsys.readouterr().err


def test_explain_refuses_what_is_not_numpy_arithmetic(capsys, tmp_path):
    marker = tmp_path / "ran"
    for expr in (f"__import__('os').system('touch {marker}')",
                 "np.load('x.npy')", "np.__class__", "(lambda: 1)()", "x if x else x",
                 "open('f')", "np.save('f', x)"):
        assert main(["explain", expr, "--at", "x=1"]) == 2, expr
        assert "error" in capsys.readouterr().err
    assert not marker.exists()


def test_version_prints_the_package_version(capsys):
    import chainrule
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"chainrule {chainrule.__version__}\n"


def _closed_pipe_run(*args):
    """Run ``python -m <args>`` with its stdout read by nobody (as ``| head -0`` would)."""
    import os
    import pathlib
    import subprocess
    import sys
    src = str(pathlib.Path(__file__).resolve().parents[1] / "src")
    env = dict(os.environ, PYTHONPATH=src + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-m", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    proc.stdout.close()  # before the child has imported numpy: its first write breaks the pipe
    err = proc.stderr.read().decode()
    return proc.wait(timeout=120), err


def test_a_closed_pipe_ends_the_command_quietly():
    code, err = _closed_pipe_run("chainrule", "demo")
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
    assert code == 141  # 128 + SIGPIPE, as a shell reports a program its pipe ended


def test_a_closed_pipe_ends_the_coverage_report_quietly():
    code, err = _closed_pipe_run("chainrule.coverage")
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
    assert code == 141
