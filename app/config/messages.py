"""Turns pydantic's validation errors into sentences naming the key, the line and what fits."""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import ValidationError

from app.config.yaml_lines import Path, dotted

Schema = dict[str, Any]


def error_messages(
    exc: ValidationError, schema: Schema, lines: dict[Path, int], source: str
) -> list[str]:
    """One message per problem, in file order."""
    found: list[tuple[int, str]] = []
    for error in exc.errors():
        path = _data_path(tuple(error["loc"]), lines)
        line = _line(path, lines)
        where = f"on line {line} of {source}"
        if error["type"] == "extra_forbidden":
            found.append((line, _unknown_key(path, schema, where)))
            continue
        name = f"`{dotted(path)}`" if path else "the file"
        if not path:
            where = f"({source})"
        if error["type"] == "missing":
            key = dotted(tuple(error["loc"]))
            found.append((line, f"{name} {where} needs the key `{key}`, which is missing"))
            continue
        if error["type"] == "value_error":  # our own validators explain themselves
            reason = str(error["msg"]).removeprefix("Value error, ")
            found.append((line, f"{name} {where}: {reason}"))
            continue
        allowed = describe(_at(schema, path), schema)
        found.append((line, f"{name} {where} must be {allowed}, got {_shown(error['input'])}"))
    return [message for _, message in sorted(found, key=lambda item: item[0])]


def _data_path(loc: tuple[Any, ...], lines: dict[Path, int]) -> Path:
    # Pydantic may add non-key parts (union branches); keep the prefix that names real data.
    path: Path = ()
    for part in loc:
        if (*path, part) not in lines:
            break
        path = (*path, part)
    return path


def _line(path: Path, lines: dict[Path, int]) -> int:
    while path not in lines:
        path = path[:-1]
    return lines[path]


def _unknown_key(path: Path, schema: Schema, where: str) -> str:
    parent = _at(schema, path[:-1]) or {}
    known = sorted(parent.get("properties", {}))
    key = str(path[-1])
    text = f"unknown key `{dotted(path)}` {where}"
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    if close:
        text += f"; did you mean `{dotted((*path[:-1], close[0]))}`?"
    return text + " Allowed here: " + ", ".join(f"`{k}`" for k in known)


def _resolve(node: Schema | None, root: Schema) -> Schema | None:
    if node is None:
        return None
    if "$ref" in node:
        node = root["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _at(root: Schema, path: Path) -> Schema | None:
    node: Schema | None = root
    for part in path:
        node = _resolve(_non_null(node, root), root)
        if node is None:
            return None
        children = node.get("properties", {})
        extra = node.get("additionalProperties")
        if isinstance(part, int):
            node = node.get("items")
        elif part not in children and isinstance(extra, dict):
            node = extra  # a mapping keyed by the user's names, e.g. `prices.<model>`
        else:
            node = children.get(part)
    return _resolve(node, root)


def _non_null(node: Schema | None, root: Schema) -> Schema | None:
    node = _resolve(node, root)
    if node is not None and "anyOf" in node:
        options = [o for o in node["anyOf"] if o.get("type") != "null"]
        return _resolve(options[0], root) if len(options) == 1 else node
    return node


def describe(node: Schema | None, root: Schema) -> str:
    """What a schema accepts, as a phrase: `an integer between 1 and 64`."""
    node = _resolve(node, root)
    if node is None:
        return "valid"
    if "anyOf" in node:
        options = [o for o in node["anyOf"] if o.get("type") != "null"]
        text = " or ".join(describe(o, root) for o in options)
        return text + " (or left out)" if len(options) < len(node["anyOf"]) else text
    if "enum" in node:
        return "one of " + ", ".join(f"`{v}`" for v in node["enum"])
    kind = node.get("type")
    if kind in ("integer", "number"):
        return _number(node, "an integer" if kind == "integer" else "a number")
    if kind == "boolean":
        return "true or false"
    if kind == "string":
        return "a non-empty string" if node.get("minLength") else "a string"
    if kind == "array":
        return "a list of " + describe(node.get("items"), root).removeprefix("a ") + "s"
    if kind == "object":
        keys = ", ".join(f"`{k}`" for k in sorted(node.get("properties", {})))
        return f"a mapping with the keys {keys}"
    return "valid"


def _number(node: Schema, noun: str) -> str:
    low, high = node.get("minimum"), node.get("maximum")
    if low is not None and high is not None:
        return f"{noun} between {_num(low)} and {_num(high)}"
    low_x = node.get("exclusiveMinimum")
    if low_x is not None and high is not None:
        return f"{noun} greater than {_num(low_x)} and at most {_num(high)}"
    if low is not None:
        return f"{noun} of at least {_num(low)}"
    return noun


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (an empty value)"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
