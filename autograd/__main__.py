"""``python -m autograd``: the same command line as the ``autograd`` console script."""

from autograd.cli import main

raise SystemExit(main())
