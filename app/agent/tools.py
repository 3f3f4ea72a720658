"""The agent's two tools, `bash` and `submit`, and the validation of calls to them."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from app.agent.errors import FormatError
from app.llm.base import ModelResponse, Tool, ToolUseBlock

BASH = Tool(
    name="bash",
    description=(
        "Run one bash command from the repository root and get its exit code and output. "
        "Each call starts a fresh shell: `cd` and environment variables do not carry over, "
        "so chain dependent commands with `&&`. Long outputs are cut in the middle."
    ),
    input_schema={
        "type": "object",
        "properties": {"command": {"type": "string", "description": "The command to run."}},
        "required": ["command"],
        "additionalProperties": False,
    },
)

SUBMIT = Tool(
    name="submit",
    description=(
        "Finish: your changes to the working tree are the fix. Call it once the fix is done "
        "and the tests pass; nothing you do afterwards is kept."
    ),
    input_schema={"type": "object", "properties": {}, "additionalProperties": False},
)

TOOLS = (BASH, SUBMIT)


class BashCall(BaseModel):
    model_config = ConfigDict(frozen=True)

    tool_use_id: str
    command: str


class SubmitCall(BaseModel):
    model_config = ConfigDict(frozen=True)

    tool_use_id: str


Call = BashCall | SubmitCall


def _problem(block: ToolUseBlock) -> str | None:
    if block.raw_arguments is not None:
        return f"the arguments of `{block.name}` were not a JSON object"
    if block.name == "submit":
        return None
    if block.name != "bash":
        return f"there is no tool named `{block.name}`; use `bash` or `submit`"
    command = block.input.get("command")
    if not isinstance(command, str):
        return "`bash` needs a string argument `command`"
    if not command.strip():
        return "`bash` was called with an empty `command`"
    return None


def parse_calls(response: ModelResponse) -> list[Call]:
    """The tool calls of an answer, or FormatError listing everything wrong with them."""
    blocks = response.tool_uses()
    if not blocks:
        raise FormatError(["the answer contained no tool call"])
    problems = [p for p in (_problem(b) for b in blocks) if p is not None]
    if problems:
        raise FormatError(problems)
    return [
        SubmitCall(tool_use_id=b.id)
        if b.name == "submit"
        else BashCall(tool_use_id=b.id, command=str(b.input["command"]))
        for b in blocks
    ]
