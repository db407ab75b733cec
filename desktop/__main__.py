"""``python -m sourcewise.desktop``."""

from sourcewise.desktop.app import main

raise SystemExit(main())
