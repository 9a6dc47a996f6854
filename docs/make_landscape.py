"""Regenerate docs/landscape.md and docs/landscape/*.png by running the landscape demo.

    PYTHONPATH=src python docs/make_landscape.py      # ~ a few minutes at full size
"""

from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "landscape")

TEXT = [
    ("interpolation", "Landscape of the cost function: *this is a non-convex optimization "
     "problem*",
     "The loss and accuracy on the straight line from the initialisation to the trained "
     "model, extended to α ∈ [-0.5, 1.5] (Goodfellow et al., 2015). On the segment itself "
     "the training loss falls monotonically for this small model: the line hides the "
     "non-convexity, which the symmetry barrier below makes visible."),
    ("contour", "*many critical points*; *use gradient descent methods*",
     "Left: the training loss on a plane through the trained model spanned by two random "
     "filter-normalised directions (Li et al., 2018: each column of each weight has the norm "
     "of the same column of θ), log-spaced levels. Right: the plane of the top two principal "
     "directions of θ_i − θ_final over the recorded Adam path (`fit(..., record_path=k)`), "
     "with the path drawn on it; the axis labels give each direction's share of the path's "
     "variance. 51×51 points, one batched NumPy pass each."),
    ("surface", "the landscape picture of the first slide",
     "The random plane of the contour figure as a surface (log₁₀ of the loss)."),
    ("deep", "*models that are simpler to optimize: ReLU, skip-connection, batch-norm*",
     "Filter-normalised planes of a 20-layer ReLU MLP on Iris, plain, with skip connections "
     "and with batch norm (evaluated with batch statistics, as in training). Li et al.'s "
     "headline is that skip connections make deep nets' landscapes smoother; what our "
     "small run shows is in the numbers below (on Iris with 16 units per layer and 300 Adam "
     "steps the effect is modest and not a replication of their CIFAR-10 result)."),
    ("spectrum", "*many more saddle points than local minima*",
     "All 96 eigenvalues of the Hessian (dense, since 96 is small; Lanczos on `cr.hvp` gives "
     "the same extremes) at the trained model and at a critical point built from the "
     "symmetry: all 16 hidden units identical and W = 0, a point fixed by every permutation; "
     "its gradient vanishes because the three classes are balanced, and it is a saddle. The "
     "trained point has tiny negative eigenvalues and 16 zero ones (adding the same vector to "
     "every row of W shifts all logits of a row equally: softmax is invariant)."),
    ("symmetry", "*permute hidden units in each layer (M!) — weight space symmetry*",
     "The loss on the line between the trained model and a permuted copy. The endpoints are "
     "the same function (equal loss), the middle is not: a barrier, the non-convexity made "
     "visible."),
    ("optima", "*there are exponentially many optima*; *most local optima are close to global*",
     "Final training losses from K seeds (left) and the loss on the straight lines between "
     "consecutive minima (right)."),
    ("critical", "*many critical points (points where gradient is zero)*",
     "Critical points found by minimising ‖∇L‖² with Newton steps δ = -H⁻¹∇L solved by "
     "MINRES (H is indefinite at a saddle), falling back to Levenberg-Marquardt steps by "
     "conjugate gradients where Newton does not lower ‖∇L‖, all on Hessian-vector products "
     "(forward over reverse), from perturbed points of the training paths, on the cost plus "
     "1e-3/2 ‖θ‖² "
     "(without it the separable classes push critical points to infinity). Dauphin et al. "
     "(2014) report low index at low loss; points where the search stopped before "
     "|∇L| ≤ 1e-5 are marked with crosses."),
    ("continuation", "*continuation methods: gradually increase the difficulty* (Mobahi'16)",
     "The Gaussian-smoothed loss L_σ(t) = E[ℓ(t + σε)] on the line through the worst and the "
     "best of the K minima, for decreasing σ, and the continuation path: gradient descent on "
     "L_σ (reparameterised gradient, 64 fixed draws) for each σ, starting where the previous "
     "stage ended."),
    ("curriculum", "*curriculum learning: increase the number of difficult examples over time*",
     "Test loss per epoch with `train.CurriculumSampler` (difficulty = minus the margin of a "
     "linear softmax model; the easiest 30% first, all examples by half-way) against plain "
     "shuffled minibatches of the same size, same initialisation."),
    ("pretrain", "*Pretrain a (simpler) model on a (simpler) task and fine-tune*",
     "Training loss of the 3-class model whose hidden layer V was pretrained on setosa-vs-rest "
     "(loaded with `train.load_into`), against training from scratch."),
]


def main() -> int:
    sys.path.insert(0, os.path.join(HERE, "..", "src"))
    from chainrule.demo.landscape import main as demo

    rc = demo(["--out", OUT, "--no-progress"])
    if rc:
        return rc
    with open(os.path.join(OUT, "summary.md"), encoding="utf-8") as f:
        numbers = f.read().split("\n", 2)[2]
    lines = ["# The landscape of the cost function", "",
             "`chainrule.landscape` is a model-agnostic loss-landscape lab: slices "
             "(`interpolate`, `line`, `plane`, filter-normalised `direction`), trajectories "
             "(`trajectory_plane`), curvature from `cr.hvp` (`hessian_eigs`, "
             "`hessian_spectrum`, `hessian_trace`, `classify_critical_point`), weight-space "
             "symmetries (`permute_hidden`, `negate_hidden`, `rescale_hidden`, `split_units`), "
             "critical-point search (`find_critical_point`) and Gaussian continuation "
             "(`smoothed`, `continuation`). Everything takes `loss(params)` over any parameter "
             "pytree. The figures below are written by `chainrule demo landscape` (this page: "
             "`python docs/make_landscape.py`); each sits next to the lecture's slide it "
             "illustrates.", "",
             "Batched grids: without `vmap` (yet), `plane(..., batched=True)` calls the loss "
             "once with every parameter stacked along a leading grid axis; the loss must "
             "broadcast over it (`chainrule.landscape.lecture_model.cost` does). The default "
             "per-point loop works for any loss.", ""]
    for name, slide, text in TEXT:
        lines += [f"## {name}.png", "", f"> lecture: {slide}", "",
                  f"![{name}](landscape/{name}.png)", "", text, ""]
    lines += ["## The numbers (from the run that drew these figures)", "",
              numbers.replace("\n## ", "\n### ")]
    with open(os.path.join(HERE, "landscape.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
