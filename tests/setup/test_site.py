"""Where GitHub is: github.com, or an Enterprise Server with its API under /api/v3."""

from __future__ import annotations

import pytest

from app.setup.errors import SetupError
from app.setup.manifest import fill_manifest, load_manifest
from app.setup.site import github_site, public_url


def test_github_com_by_default_and_by_name() -> None:
    for url in (None, "https://github.com", "https://api.github.com/"):
        site = github_site(url)
        assert (site.web, site.api) == ("https://github.com", "https://api.github.com")
    assert github_site(None).new_app_url(None) == "https://github.com/settings/apps/new"


def test_an_enterprise_server() -> None:
    for url in ("https://GHE.example.com", "https://ghe.example.com/api/v3/"):
        site = github_site(url)
        assert site.web == "https://ghe.example.com"
        assert site.api == "https://ghe.example.com/api/v3"
    assert (
        github_site("https://ghe.example.com").new_app_url("octo")
        == "https://ghe.example.com/organizations/octo/settings/apps/new"
    )


@pytest.mark.parametrize(
    "url",
    ["http://ghe.example.com", "ghe.example.com", "https://u:p@ghe.example.com", "https://g/x"],
)
def test_unsafe_or_unclear_servers_are_refused(url: str) -> None:
    with pytest.raises(SetupError, match="--github-url"):
        github_site(url)


@pytest.mark.parametrize("org", ["../x", "a/b", "-a", "a" * 40, "a?b"])
def test_organisation_names_cannot_reach_other_pages(org: str) -> None:
    with pytest.raises(SetupError, match="--org"):
        github_site(None).new_app_url(org)


def test_public_url_is_normalised() -> None:
    assert public_url("https://Autofix.example.com/") == "https://autofix.example.com"
    assert public_url("https://example.com/autofix/") == "https://example.com/autofix"
    assert public_url("http://127.0.0.1:8000") == "http://127.0.0.1:8000"
    with pytest.raises(SetupError, match="https://"):
        public_url("http://autofix.example.com")


def test_the_filled_manifest_points_everything_at_the_deployment() -> None:
    manifest = fill_manifest(
        load_manifest(),
        public_url="https://a.example",
        callback_url="http://127.0.0.1:9/callback",
        name="autofix-test",
    )
    assert manifest["name"] == "autofix-test"
    assert manifest["hook_attributes"] == {"url": "https://a.example/webhook", "active": True}
    assert manifest["redirect_url"] == "http://127.0.0.1:9/callback"
    assert manifest["callback_urls"] == ["https://a.example/auth/callback"]
    assert manifest["setup_url"] == "https://a.example/"
    assert load_manifest()["hook_attributes"]["url"] != manifest["hook_attributes"]["url"]
