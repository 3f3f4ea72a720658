"""Parsing `.github/autofix.yml`: valid files, and errors naming the key, the line and the fix."""

from __future__ import annotations

import pytest

from app.config import ConfigError, RepoConfig, parse_repo_config

SOURCE = ".github/autofix.yml"


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_repo_config(text, SOURCE)
    return list(info.value.problems)


def test_empty_file_gives_the_documented_defaults() -> None:
    config = parse_repo_config("", SOURCE)
    assert config == RepoConfig()
    assert (config.label, config.model, config.rollouts, config.rounds) == (
        "autofix",
        "anthropic:claude-sonnet-4-6",
        4,
        2,
    )
    assert (config.refine_with, config.votes, config.group_size, config.pr.draft) == (2, 8, 2, True)


def test_every_documented_key_is_read() -> None:
    config = parse_repo_config(
        """\
label: fix-me
model: openai:qwen@http://127.0.0.1:8000/v1
strategy: best-of-n
rollouts: 3
rounds: 1
refine_with: 1
votes: 3
group_size: 3
sandbox:
  image: example/image:1
  setup:
    - pip install -e .
tests:
  command: python3 -m pytest -q
  holdout: [tests/holdout]
  protected: [tests, conftest.py]
  timeout_s: 120
budget:
  usd: 2
  steps: 30
  wall_s: 600
pr:
  draft: false
""",
        SOURCE,
    )
    assert config.label == "fix-me" and config.strategy == "best-of-n"
    assert config.sandbox.setup == ("pip install -e .",)
    assert config.tests.holdout == ("tests/holdout",)
    assert config.tests.protected == ("tests", "conftest.py")
    assert config.budget.usd == 2.0 and config.budget.steps == 30
    assert config.pr.draft is False
    engine = config.to_engine_config()
    assert (engine.strategy, engine.rollouts, engine.rounds, engine.votes) == ("best-of-n", 3, 1, 3)
    assert (engine.refine_with, engine.group_size) == (1, 3)
    assert engine.budget.usd == 2.0 and engine.budget.wall_s == 600


def test_bad_integer_names_key_line_and_range() -> None:
    assert problems("label: autofix\nmodel: claude-opus-4-6\nrollouts: many\n") == [
        f"`rollouts` on line 3 of {SOURCE} must be an integer between 1 and 64, got 'many'"
    ]


def test_quoted_number_is_not_silently_coerced() -> None:
    (message,) = problems('votes: "3"\n')
    assert "`votes` on line 1" in message and "got '3'" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rollouts: 0\n", "`rollouts` on line 1 of {src} must be an integer between 1 and 64"),
        ("budget:\n  usd: -1\n", "`budget.usd` on line 2 of {src} must be a number between 0"),
        ("budget:\n\n  steps: 2.5\n", "`budget.steps` on line 3 of {src} must be an integer"),
        ("pr:\n  draft: maybe\n", "`pr.draft` on line 2 of {src} must be true or false"),
        ("strategy: best\n", "`strategy` on line 1 of {src} must be one of `rtv`, `single`"),
        ("tests:\n  holdout: tests/h\n", "`tests.holdout` on line 2 of {src} must be a list of"),
        ("tests:\n  holdout:\n    - a\n    - 5\n", "`tests.holdout[1]` on line 4 of {src}"),
        ("sandbox: docker\n", "`sandbox` on line 1 of {src} must be a mapping with the keys"),
        ("label: ''\n", "`label` on line 1 of {src} must be a non-empty string"),
        (
            "tests:\n  timeout_s: 60\n  cross_finalists: -1\n",
            "`tests.cross_finalists` on line 3 of {src} must be an integer between 0 and 8, got -1",
        ),
        ("tests:\n  cross_finalists: all\n", "`tests.cross_finalists` on line 2 of {src} must"),
        ("- rollouts\n", "the file ({src}) must be a mapping"),
    ],
)
def test_each_kind_of_bad_value_names_key_and_line(text: str, expected: str) -> None:
    (message,) = problems(text)
    assert message.startswith(expected.format(src=SOURCE)), message


def test_unusable_model_spec_is_explained() -> None:
    (message,) = problems("rollouts: 2\nmodel: gpt-5\n")
    assert message.startswith(f"`model` on line 2 of {SOURCE}: model spec 'gpt-5' is invalid")
    assert "openai:MODEL@URL" in message


def test_unknown_key_suggests_the_close_one() -> None:
    (message,) = problems("rounds: 1\nrollout: 3\n")
    assert message.startswith(f"unknown key `rollout` on line 2 of {SOURCE}")
    assert "did you mean `rollouts`?" in message


def test_unknown_nested_key_is_named_with_its_section() -> None:
    (message,) = problems("tests:\n  command: make test\n  holdouts: [x]\n")
    assert "unknown key `tests.holdouts` on line 3" in message
    assert "did you mean `tests.holdout`?" in message


def test_unrelated_unknown_key_lists_what_is_allowed() -> None:
    (message,) = problems("colour: blue\n")
    assert "did you mean" not in message and "`rollouts`" in message


def test_all_problems_are_reported_in_file_order() -> None:
    found = problems("votes: 0\nrollouts: x\npr:\n  draft: 3\n")
    assert [m.split(" on line ")[1][:1] for m in found] == ["1", "2", "4"]


def test_yaml_syntax_error_names_the_line() -> None:
    (message,) = problems("rollouts: 2\nsandbox:\n  image: x\n   setup: y\n")
    assert message.startswith(f"line 4 of {SOURCE} is not valid YAML")


def test_unclosed_flow_list_is_a_syntax_error() -> None:
    (message,) = problems("tests:\n  holdout: [a, b\n")
    assert "is not valid YAML" in message


def test_duplicate_key_is_an_error_not_last_one_wins() -> None:
    (message,) = problems("rollouts: 2\nrounds: 1\nrollouts: 5\n")
    assert "`rollouts` appears twice" in message and "lines 1 and 3" in message


def test_config_error_text_is_every_problem() -> None:
    with pytest.raises(ConfigError) as info:
        parse_repo_config("votes: 0\nrounds: 0\n", "custom.yml")
    assert str(info.value).count("custom.yml") == 2


def test_engine_knobs_beyond_the_design_reach_the_engine() -> None:
    config = parse_repo_config(
        "hints: [smallest change, rewrite the function]\n"
        "tests:\n  baseline_runs: 3\n  cross_finalists: 0\n"
        "budget:\n  tokens: 500000\n"
        "prices:\n  claude-sonnet-4-6: {input: 1.0, output: 2.0}\n",
        SOURCE,
    )
    engine = config.to_engine_config()
    assert engine.approach_hints and engine.hints == ("smallest change", "rewrite the function")
    assert engine.baseline_runs == 3
    assert engine.cross_finalists == 0
    assert parse_repo_config("", SOURCE).to_engine_config().cross_finalists == 3
    assert engine.budget.tokens == 500_000
    price = config.prices["claude-sonnet-4-6"]
    assert (price.input, price.output, price.cache_read) == (1.0, 2.0, 0.1)


def test_bad_price_names_the_model_key_and_line() -> None:
    with pytest.raises(ConfigError) as info:
        parse_repo_config("prices:\n  claude-sonnet-4-6: {input: 1.0}\n", SOURCE)
    assert str(info.value) == (
        f"`prices.claude-sonnet-4-6` on line 2 of {SOURCE} needs the key "
        "`prices.claude-sonnet-4-6.output`, which is missing"
    )


def test_bad_price_value_says_what_fits() -> None:
    assert problems("prices:\n  claude-sonnet-4-6: {input: cheap, output: 2}\n") == [
        f"`prices.claude-sonnet-4-6.input` on line 2 of {SOURCE} must be a number of at least 0, "
        "got 'cheap'"
    ]


def test_deployment_image_applies_only_where_the_repository_chose_none() -> None:
    assert parse_repo_config("", SOURCE).with_default_image("ours:1").sandbox.image == "ours:1"
    chosen = parse_repo_config("sandbox:\n  image: theirs:2\n", SOURCE)
    assert chosen.with_default_image("ours:1").sandbox.image == "theirs:2"


@pytest.mark.parametrize(
    "pattern",
    ["out/x.xml; curl evil", "/tmp/report.xml", "../elsewhere/*.xml", "$(id).xml", "a b.xml"],
)
def test_a_report_pattern_with_shell_syntax_or_outside_paths_is_refused(pattern: str) -> None:
    (message,) = problems(f"tests:\n  report: '{pattern}'\n")
    assert message.startswith(f"`tests.report` on line 2 of {SOURCE}"), message


def test_a_report_glob_is_accepted() -> None:
    config = parse_repo_config("tests:\n  report: build/test-results/**/TEST-*.xml\n", SOURCE)
    assert config.tests.report == "build/test-results/**/TEST-*.xml"


SUITES = """tests:
  suites:
    - name: backend
      command: python3 -m pytest -q backend
      paths: [backend]
    - name: frontend
      command: cd web && node --test
      paths: [web, 'shared/*.json']
"""


def test_suites_are_read_with_their_paths() -> None:
    config = parse_repo_config(SUITES, SOURCE)
    assert [(s.name, s.paths) for s in config.tests.suites] == [
        ("backend", ("backend",)),
        ("frontend", ("web", "shared/*.json")),
    ]


def test_suites_need_distinct_names_and_paths() -> None:
    (message,) = problems(SUITES.replace("name: frontend", "name: backend"))
    assert message.startswith(f"`tests.suites` on line 2 of {SOURCE}"), message
    (message,) = problems(SUITES.replace("      paths: [backend]\n", ""))
    assert "paths" in message, message
