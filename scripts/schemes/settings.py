"""Per-rule settings: one typed, frozen object per rule, built from the validated config.

Each rule of the workflow reads a few config keys. Its settings class names
them, one field per key, with the schema's key names (``events.bootstrap``
is ``settings.bootstrap`` in the code, never ``n_boot``). A field reads
``<SECTION>.<field name>`` unless :func:`key` gives another dotted path, so
a reader can grep a config key and land on its use. A field whose type is
itself a :class:`Settings` class reads a nested block of the config.

The rule passes only these keys as ``params.settings`` (so that editing an
unrelated key re-runs nothing), and :func:`schemes.rulekit.run` rebuilds the
object before calling ``run_<rule>(settings, inputs, outputs)``::

    @dataclass(frozen=True)
    class EventRankingSettings(Settings):
        SECTION: ClassVar[str] = "events"
        days_before: int
        seed: int = key("events.seed")

    # workflow/rules/events.smk
    params: settings=rule_settings(events.EventRankingSettings)
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Mapping
from typing import Any, ClassVar


def key(path: str):
    """A settings field read from the dotted config key ``path`` instead of its own name."""
    return dataclasses.field(metadata={"key": path})


def lookup(config: Mapping, path: str) -> Any:
    """The value at the dotted ``path`` of a nested mapping; a missing key names the path."""
    value: Any = config
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            raise KeyError(f"config key {path!r} is not set (no {part!r})")
        value = value[part]
    return value


@dataclasses.dataclass(frozen=True)
class Settings:
    """Base of every rule's settings (see the module docstring)."""

    SECTION: ClassVar[str] = ""

    @classmethod
    def config_keys(cls) -> dict[str, str]:
        """Field name -> the dotted config key it is read from."""
        prefix = f"{cls.SECTION}." if cls.SECTION else ""
        return {f.name: f.metadata.get("key") or prefix + f.name for f in dataclasses.fields(cls)}

    @classmethod
    def from_config(cls, config: Mapping, **overrides):
        """The settings of a (validated, defaults filled) config, with optional overrides."""
        values = {}
        for name, path in cls.config_keys().items():
            value = overrides[name] if name in overrides else lookup(config, path)
            nested = _nested_class(cls, name)
            if nested is not None and not isinstance(value, Settings):
                value = nested.from_params(value)
            values[name] = value
        return cls(**values)

    @classmethod
    def from_params(cls, params: Mapping):
        """Rebuild the settings from the plain values :meth:`as_params` gave a rule."""
        values = {}
        for field in dataclasses.fields(cls):
            if field.name not in params:
                raise KeyError(f"{cls.__name__}: setting {field.name!r} was not passed")
            value = params[field.name]
            nested = _nested_class(cls, field.name)
            if nested is not None and not isinstance(value, Settings):
                value = nested.from_params(value)
            values[field.name] = value
        return cls(**values)

    def as_params(self) -> dict:
        """Plain values (dicts, lists, numbers, strings) for a rule's ``params.settings``."""
        return dataclasses.asdict(self)

    def replace(self, **changes):
        """A copy with some settings changed (tests, sensitivity runs)."""
        return dataclasses.replace(self, **changes)


def _nested_class(cls: type, name: str) -> type | None:
    hint = typing.get_type_hints(cls).get(name)
    return hint if isinstance(hint, type) and issubclass(hint, Settings) else None
