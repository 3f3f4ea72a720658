"""A person registers the App in a real browser: setup page, GitHub's review page, back again."""

from __future__ import annotations

import stat
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

from tests.browser import chromium
from tests.fakes.github_server import FakeGitHub
from tests.setup.process import SetupProcess


def test_registering_in_the_browser(ghes: FakeGitHub, tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    args = ["--public-url", "https://autofix.example.com", "--github-url", ghes.git_url]
    with (
        SetupProcess([*args, "--env-file", str(env_file)], cwd=tmp_path) as setup,
        chromium(tmp_path / "profile") as browser,
    ):
        browser.get(setup.local_url())
        browser.save_screenshot(str(tmp_path / "setup-start.png"))
        browser.find_element(By.ID, "create").click()
        button = WebDriverWait(browser, 20).until(
            expected_conditions.element_to_be_clickable((By.ID, "create-app"))
        )
        browser.save_screenshot(str(tmp_path / "github-review.png"))
        button.click()
        heading = WebDriverWait(browser, 20).until(
            expected_conditions.presence_of_element_located((By.ID, "registered"))
        )
        browser.save_screenshot(str(tmp_path / "setup-done.png"))
        (app,) = ghes.manifest_apps.apps
        assert app.slug in heading.text
        install = browser.find_element(By.ID, "install").get_attribute("href")
        assert install == f"{ghes.git_url}/apps/{app.slug}/installations/new"
        assert app.webhook_secret not in browser.page_source
        assert setup.wait() == 0, setup.output()
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    assert f"AUTOFIX_GITHUB_APP_ID='{app.id}'" in env_file.read_text().splitlines()
    assert (tmp_path / "setup-done.png").stat().st_size > 0
