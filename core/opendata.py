"""The open data registry: every app lists its files here for /opendata/ and datapackage.json."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.http import HttpRequest

# Frictionless names: lowercase letters, digits, ".", "_" and "-".
NAME_PATTERN = re.compile(r"^[a-z0-9._-]+$")
MEDIATYPES = {"csv": "text/csv", "json": "application/json"}

# Licences we can name by their Open Definition id, found by a part of their URL.
KNOWN_LICENCES: tuple[tuple[str, str, str], ...] = (
    ("creativecommons.org/licenses/by/4.0", "CC-BY-4.0", "Creative Commons Attribution 4.0"),
    (
        "creativecommons.org/licenses/by-sa/4.0",
        "CC-BY-SA-4.0",
        "Creative Commons Attribution Share-Alike 4.0",
    ),
    ("creativecommons.org/publicdomain/zero/1.0", "CC0-1.0", "CC0 1.0"),
    ("govdata.de/dl-de/by-2-0", "DL-DE-BY-2.0", "Datenlizenz Deutschland – Namensnennung – 2.0"),
    ("govdata.de/dl-de/zero-2-0", "DL-DE-ZERO-2.0", "Datenlizenz Deutschland – Zero – 2.0"),
)


@dataclass(frozen=True)
class Licence:
    path: str
    name: str = ""
    title: str = ""

    @classmethod
    def from_url(cls, url: str) -> Licence:
        """The licence at ``url``, named if it is one of the well-known open licences."""
        lowered = url.lower()
        for part, name, title in KNOWN_LICENCES:
            if part in lowered:
                return cls(path=url, name=name, title=title)
        return cls(path=url, title=url)

    def descriptor(self) -> dict[str, str]:
        result = {"path": self.path}
        if self.name:
            result["name"] = self.name
        if self.title:
            result["title"] = self.title
        return result


@dataclass(frozen=True)
class Resource:
    """One open data file: what it is, where it lives (a URL path) and how it is built."""

    name: str
    title: str
    description: str
    path: str
    format: str
    mediatype: str = ""
    licence: str = ""
    schema: dict[str, Any] | None = None
    group: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not NAME_PATTERN.match(self.name):
            raise ValueError(f"Resource name {self.name!r} must match {NAME_PATTERN.pattern}")
        if self.format not in MEDIATYPES and not self.mediatype:
            raise ValueError(f"Resource {self.name!r}: give the mediatype of {self.format!r}")
        if not self.mediatype:
            object.__setattr__(self, "mediatype", MEDIATYPES[self.format])

    def descriptor(self, request: HttpRequest) -> dict[str, Any]:
        """The resource as a Frictionless Data Resource, with an absolute ``path``."""
        result: dict[str, Any] = {
            "profile": "tabular-data-resource" if self.schema else "data-resource",
            "name": self.name,
            "title": str(self.title),
            "description": str(self.description),
            "path": request.build_absolute_uri(self.path),
            "format": self.format,
            "mediatype": self.mediatype,
            "encoding": "utf-8",
        }
        if self.licence:
            result["licenses"] = [Licence.from_url(self.licence).descriptor()]
        if self.schema:
            result["schema"] = self.schema
        result.update(self.extra)
        return result


Provider = Callable[[HttpRequest], Iterable[Resource]]

_registry: dict[str, Resource | Provider] = {}


def register(entry: Resource | Provider, *, key: str = "") -> Resource | Provider:
    """List a resource, or a callable yielding resources per request (e.g. one per version).

    Registering again under the same key replaces the entry, so ``ready()`` may run twice.
    """
    if not key:
        key = (
            f"resource:{entry.name}"
            if isinstance(entry, Resource)
            else f"{entry.__module__}.{entry.__qualname__}"
        )
    _registry[key] = entry
    return entry


def unregister(key: str) -> None:
    _registry.pop(key, None)


def resources(request: HttpRequest) -> list[Resource]:
    """Every registered resource, in the order of registration, with unique names."""
    result: list[Resource] = []
    seen: set[str] = set()
    for entry in list(_registry.values()):
        produced = [entry] if isinstance(entry, Resource) else list(entry(request))
        for resource in produced:
            name, n = resource.name, 1
            while name in seen:
                n += 1
                name = f"{resource.name}-{n}"
            seen.add(name)
            result.append(resource if name == resource.name else replace(resource, name=name))
    return result


def package_name(text: str) -> str:
    """A Frictionless name made of ``text``: lowercase, dashes for everything else."""
    lowered = text.lower()
    for letter, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        lowered = lowered.replace(letter, spelled)
    return re.sub(r"[^a-z0-9._-]+", "-", lowered).strip("-") or "opendata"


def datapackage(
    request: HttpRequest,
    *,
    name: str,
    title: str,
    description: str = "",
    licences: Iterable[Licence] = (),
    homepage: str = "",
) -> dict[str, Any]:
    """The Frictionless Data Package descriptor of every registered resource."""
    result: dict[str, Any] = {
        "profile": "data-package",
        "name": package_name(name),
        "title": title,
    }
    if description:
        result["description"] = description
    if homepage:
        result["homepage"] = homepage
    licence_list = [licence.descriptor() for licence in licences]
    if licence_list:
        result["licenses"] = licence_list
    result["resources"] = [resource.descriptor(request) for resource in resources(request)]
    return result
