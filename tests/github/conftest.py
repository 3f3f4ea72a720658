from tests.fakes.github_fixtures import (  # noqa: F401 - fixtures used by this package's tests
    app_keys,
    fake_github,
    github_clients,
    github_settings,
)
