"""tests/cli/pywarm_optuna.py — `py_warm optuna pywarm_optuna`: what an Optuna storage costs on
its first use, paid once in py_warm's server instead of in every "$PY" run of a test file.

Each run's first RDBStorage imports alembic and the SQLite dialect, and configures SQLAlchemy's
mappers of Optuna's models: about 0.35 s of CPU of a load_study's 0.6 s in a fork of a server
that imported optuna alone. Made here once, on a throwaway in-memory database, the runs (forks of
the server) find it done; each still makes its own storage on its own file, alembic's revision
check and all, as a fresh python would. Nothing a run sees changes: no file, no log level, and
the warnings filters are as they were (any warning here is swallowed and its registry reset).
"""
import warnings

import alembic.command  # noqa: F401  (optuna's version check imports it on first use)
import optuna

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    optuna.storages.RDBStorage("sqlite:///:memory:")
