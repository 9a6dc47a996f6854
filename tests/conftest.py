"""Test-wide settings: one BLAS thread (set before NumPy loads OpenBLAS).

On a small shared machine a multi-threaded BLAS makes small matrix products up to 100x
slower; `make test` sets the same variables, this covers a bare `pytest` run.
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
