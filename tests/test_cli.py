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
