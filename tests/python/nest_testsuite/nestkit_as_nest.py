"""pytest plugin: `import nest` gives nestkit.nest (loaded with -p before NEST's conftest imports it)."""

from nestkit.parity.live_worker import import_simulator

import_simulator("nestkit.nest")
