"""`python -m tests.app.worker_process PREFIX`: `autofix worker` as `app.worker.main` composes
it from the environment, with sandbox scopes under PREFIX so a test can find exactly its own."""

from __future__ import annotations

import logging
import sys

from app.settings import load_settings
from app.worker.main import deps_factory
from app.worker.settings import build_worker


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    settings = load_settings()
    build_worker(settings.redis_url, deps_factory(settings, scope_prefix=sys.argv[1])).run()


if __name__ == "__main__":
    main()
