"""Config helpers used by workflow/rules/common.smk before validation."""

from __future__ import annotations


def coerce_to_schema(value, schema: dict):
    """Turn strings into the numbers/booleans the JSON schema expects.

    ``snakemake --config 'topics={k: 20}'`` passes nested values as strings;
    without this, a correct override would fail validation. Values that do
    not parse are left alone, so the validator still names the bad key.
    """
    kind = schema.get("type")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        return {
            key: coerce_to_schema(
                item, properties.get(key, extra if isinstance(extra, dict) else {})
            )
            for key, item in value.items()
        }
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [coerce_to_schema(item, schema["items"]) for item in value]
    if isinstance(value, str):
        text = value.strip()
        try:
            if kind == "integer":
                return int(text)
            if kind == "number":
                return float(text)
        except ValueError:
            return value
        if kind == "boolean" and text.lower() in ("true", "false"):
            return text.lower() == "true"
    return value
