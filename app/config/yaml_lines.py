"""YAML to plain data plus the line each key and list item sits on, for error messages."""

from __future__ import annotations

from typing import Any

import yaml

from app.config.errors import ConfigError

Path = tuple[str | int, ...]


def load_with_lines(text: str, source: str) -> tuple[Any, dict[Path, int]]:
    """Parse one YAML document; lines are 1-based and keyed by the path of each key or item."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {(): 1}
        lines: dict[Path, int] = {(): node.start_mark.line + 1}
        data = _walk(loader, node, (), lines, source)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1} of {source}" if mark else source
        what = " ".join(p for p in (exc.context, exc.problem) if p)
        raise ConfigError(
            [f"{where} is not valid YAML: {what}. Check the indentation and quoting there."]
        ) from exc
    except yaml.YAMLError as exc:
        raise ConfigError([f"{source} is not valid YAML: {exc}"]) from exc
    finally:
        loader.dispose()
    return data, lines


def _walk(
    loader: yaml.SafeLoader, node: yaml.Node, path: Path, lines: dict[Path, int], source: str
) -> Any:
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)  # resolves `<<` merge keys
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                key = str(key)
            if key in out:
                first = lines[(*path, key)]
                raise ConfigError(
                    [
                        f"`{dotted((*path, key))}` appears twice in {source} (lines {first} "
                        f"and {line}); keep one"
                    ]
                )
            lines[(*path, key)] = line
            out[key] = _walk(loader, value_node, (*path, key), lines, source)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            lines[(*path, index)] = item.start_mark.line + 1
            items.append(_walk(loader, item, (*path, index), lines, source))
        return items
    return loader.construct_object(node, deep=True)


def dotted(path: Path) -> str:
    """`("tests", "holdout", 0)` -> `tests.holdout[0]`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text
