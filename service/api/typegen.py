"""The UI's types of the API's answers, generated from the OpenAPI schema.

Every route declares a Pydantic response model, so ``/openapi.json`` is the contract.
The UI talks to the API over HTTP and imports no service code, so it cannot share the
models themselves; it gets them as ``TypedDict`` classes in ``ui/api_types.py``, written
by this module from the app's schema (a field the schema marks as not required is
``NotRequired``, a nullable one ``| None``). ``tests/ui/test_api_types.py`` fails when the
file is older than the schema; regenerate it with

    python -m service.api.typegen
"""

from __future__ import annotations

import json
import keyword
import sys
import tempfile
from pathlib import Path
from typing import Any

from service.config import REPO_ROOT

__all__ = ["TYPES_FILE", "render_types"]

TYPES_FILE = REPO_ROOT / "ui" / "api_types.py"
_HEADER = '''"""Types of the API's answers, generated from its OpenAPI schema: do not edit.

Regenerate with ``python -m service.api.typegen`` (``tests/ui/test_api_types.py`` fails
when this file is older than the schema).
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict
'''
_SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "null": "None"}


def _type(schema: dict[str, Any]) -> str:
    """The Python annotation of one JSON schema."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return _union([_type(member) for member in schema[key]])
    if "const" in schema:
        return f"Literal[{json.dumps(schema['const'])}]"
    if "enum" in schema:
        return f"Literal[{', '.join(json.dumps(value) for value in schema['enum'])}]"
    kind = schema.get("type")
    if isinstance(kind, list):
        return _union([_type({**schema, "type": each}) for each in kind])
    if kind == "array":
        if "prefixItems" in schema:
            return f"tuple[{', '.join(_type(item) for item in schema['prefixItems'])}]"
        return f"list[{_type(schema.get('items', {}))}]"
    if kind == "object":
        values = schema.get("additionalProperties", True)
        return f"dict[str, {_type(values) if isinstance(values, dict) else 'Any'}]"
    return _SCALARS.get(str(kind), "Any")


def _union(members: list[str]) -> str:
    unique = list(dict.fromkeys(members))
    if "Any" in unique:
        return "Any"
    return " | ".join([m for m in unique if m != "None"] + (["None"] if "None" in unique else []))


def _typed_dict(name: str, schema: dict[str, Any]) -> str:
    required = set(schema.get("required", ()))
    fields = []
    for field, spec in schema.get("properties", {}).items():
        annotation = _type(spec)
        fields.append((field, annotation if field in required else f"NotRequired[{annotation}]"))
    doc = " ".join(str(schema.get("description", "")).split()).replace("\\", "/")
    doc = doc.replace('"', "'")
    if any(keyword.iskeyword(field) or not field.isidentifier() for field, _ in fields):
        # Functional form (a field named "from"); annotations as strings: read lazily.
        items = ", ".join(
            f"{json.dumps(field)}: {json.dumps(annotation)}" for field, annotation in fields
        )
        return f"{name} = TypedDict({json.dumps(name)}, {{{items}}})\n"
    lines = [f"class {name}(TypedDict):"]
    if doc:
        lines.append(f'    """{doc[:84]}{"..." if len(doc) > 84 else ""}"""')
        lines.append("")
    lines += [f"    {field}: {annotation}" for field, annotation in fields] or ["    pass"]
    return "\n".join(lines) + "\n"


def render_types(spec: dict[str, Any]) -> str:
    """``ui/api_types.py`` for an OpenAPI document ``spec``."""
    schemas = spec.get("components", {}).get("schemas", {})
    parts = [_HEADER]
    for name in sorted(schemas):
        schema = schemas[name]
        if schema.get("type") == "object" or "properties" in schema:
            parts.append(_typed_dict(name, schema))
        else:
            parts.append(f"{name} = {_type(schema)}\n")
    return "\n\n".join(parts)


def app_spec() -> dict[str, Any]:
    """The OpenAPI document of the app as ``serve`` builds it (a throwaway data folder)."""
    from service.api.app import create_app  # lazy: loads the whole API
    from service.config import Settings

    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(_env_file=None, data_dir=Path(folder))  # type: ignore[call-arg]
        return create_app(settings).openapi()


def main() -> int:
    TYPES_FILE.write_text(render_types(app_spec()), "utf-8")
    print(f"wrote {TYPES_FILE.relative_to(REPO_ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
