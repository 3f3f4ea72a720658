"""Tampering with Go, JavaScript, Rust, JVM, Ruby and PHP tests is flagged from the diff."""

from __future__ import annotations

import pytest

from scaling.baseline import classify_baseline
from scaling.diff import parse_diff
from scaling.tamper import tamper_flags
from tests.fakes.scaling import make_patch, make_run

RUN = make_run({"a::TestA": "passed"})
BASELINE = classify_baseline([RUN, RUN])


def flags(patch: str) -> list[str]:
    return tamper_flags(parse_diff(patch), BASELINE, RUN)


GO = "stats/stats_test.go"
JS = "src/app.test.ts"
RS = "src/lib.rs"
CASES = {
    "t.Skip": (make_patch(GO, ['\tt.Skip("flaky")']), f"skip added: {GO}"),
    "t.SkipNow": (make_patch(GO, ["\tt.SkipNow()"]), f"skip added: {GO}"),
    "it.skip": (make_patch(JS, ["it.skip('adds', () => {});"]), f"skip added: {JS}"),
    "describe.skip": (make_patch(JS, ["describe.skip('math', () => {"]), f"skip added: {JS}"),
    "xit": (make_patch(JS, ["xit('adds', () => {});"]), f"skip added: {JS}"),
    "node skip option": (make_patch(JS, ["test('a', { skip: true }, () => {});"]), "skip"),
    "test.only": (
        make_patch(JS, ["test.only('adds', () => {});"]),
        f"focused test added (the rest stop running): {JS}",
    ),
    "#[ignore]": (make_patch(RS, ["    #[ignore]"]), f"skip added: {RS}"),
    "#[should_panic]": (make_patch("tests/api.rs", ["#[should_panic]"]), "skip added"),
    "@Disabled": (
        make_patch("src/test/java/CalcTest.java", ["    @Disabled"]),
        "skip added: src/test/java/CalcTest.java",
    ),
    "@Ignore": (make_patch("src/test/java/CalcTest.java", ["  @Ignore"]), "skip added"),
    "pending": (make_patch("spec/calc_spec.rb", ["  pending 'later'"]), "skip added"),
    "markTestSkipped": (
        make_patch("tests/CalcTest.php", ['$this->markTestSkipped("x");']),
        "skip added",
    ),
    "go build tag": (
        make_patch(GO, ["//go:build never", ""], [""]),
        f"build constraint on a Go test file changed: {GO}",
    ),
    "jest.config": (
        make_patch("jest.config.js", ["  testPathIgnorePatterns: ['median'],"]),
        "test runner configuration edited: jest.config.js",
    ),
    "vitest.config": (make_patch("vitest.config.ts", ["  exclude: ['**']"]), "configuration"),
    ".mocharc": (make_patch(".mocharc.yml", ["spec: none"]), "configuration edited: .mocharc"),
    "package.json test script": (
        make_patch("package.json", ['    "test": "exit 0",'], ['    "test": "jest",']),
        "test configuration in package.json edited: package.json",
    ),
    "Cargo.toml test target": (
        make_patch("Cargo.toml", ["[[test]]", 'name = "api"', "harness = false"]),
        "test configuration in Cargo.toml edited: Cargo.toml",
    ),
    "pom.xml skipTests": (
        make_patch("pom.xml", ["<skipTests>true</skipTests>"]),
        "test configuration in pom.xml edited",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_kind_of_tampering_is_flagged(case: str) -> None:
    patch, expected = CASES[case]
    assert any(expected in flag for flag in flags(patch)), flags(patch)


REMOVALS = {
    "go test function": (
        make_patch(GO, [], ["func TestMedianEven(t *testing.T) {", "}"]),
        f"test removed: TestMedianEven ({GO})",
    ),
    "renamed go test": (
        make_patch(
            GO, ["func helperEven(t *testing.T) {"], ["func TestMedianEven(t *testing.T) {"]
        ),
        "test removed: TestMedianEven",
    ),
    "js test": (
        make_patch(JS, [], ["  it('handles even input', () => {"]),
        f"test removed: handles even input ({JS})",
    ),
    "rust test": (
        make_patch(RS, [], ["    #[test]", "    fn even() {}"]),
        f"1 test(s) removed: {RS}",
    ),
    "java test": (
        make_patch("src/test/java/CalcTest.java", [], ["  @Test", "  void even() {}"]),
        "1 test(s) removed",
    ),
}


@pytest.mark.parametrize("case", sorted(REMOVALS))
def test_removed_and_renamed_tests_are_flagged(case: str) -> None:
    patch, expected = REMOVALS[case]
    assert any(expected in flag for flag in flags(patch)), flags(patch)


INNOCENT = {
    "go source variable named skip": make_patch("stats/stats.go", ["\tskip := x.Skip(1)"]),
    "pagination in JS source": make_patch("src/api.ts", ["fetch({ skip: 10, take: 5 })"]),
    "a new JS test": make_patch(JS, ["test('adds', () => expect(add(1, 1)).toBe(2));"]),
    "a new Go test": make_patch(GO, ["func TestAdd(t *testing.T) {}"]),
    "a moved JS test": make_patch(JS, ["it('adds', () => {});"], ["it('adds', () => {});"]),
    "package.json dependency": make_patch("package.json", ['    "lodash": "^4.17.21",']),
    "Cargo.toml dependency": make_patch("Cargo.toml", ['serde = "1"']),
}


@pytest.mark.parametrize("case", sorted(INNOCENT))
def test_ordinary_changes_are_not_flagged(case: str) -> None:
    assert flags(INNOCENT[case]) == []
