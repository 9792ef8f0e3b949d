"""Config helpers used by workflow/rules/common.smk before validation."""

from __future__ import annotations


def coerce_to_schema(value, schema: dict):
    """Turn strings into the numbers/booleans the JSON schema expects.

    ``snakemake --config 'topics={k: 20}'`` passes nested values as strings;
    without this, a correct override would fail validation. Values that do
    not parse are left alone, so the validator still names the bad key.
    """
    kinds = {schema.get("type")} | {
        alt.get("type") for alt in schema.get("oneOf", []) + schema.get("anyOf", [])
    }
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
        for kind, parse in (("integer", int), ("number", float)):
            if kind in kinds:
                try:
                    return parse(text)
                except ValueError:
                    pass
        if "boolean" in kinds and text.lower() in ("true", "false"):
            return text.lower() == "true"
    return value
