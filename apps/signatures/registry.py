"""Which models can be signed, what of them is signed, and who may sign for each party.

A model becomes signable in one of two ways, without this app knowing it in advance:

* it inherits :class:`SignableMixin` and defines ``signed_content()``,
  ``get_signature_project()`` and ``signature_roles`` (registered automatically when the
  app registry is ready), or
* its app registers an adapter from its ``AppConfig.ready()`` (or a test registers one)::

      from apps.signatures.registry import signables
      signables.register(GateAttestation,
                         content=lambda a: {"gate": a.gate, "reference": a.reference, "note": a.note},
                         project=lambda a: a.project,
                         roles={Party.CLIENT: {ProjectRole.CLIENT_LEAD}})

Registering also protects the records: a record with signatures cannot be deleted
(``ProtectedError``), because the generic link has no database foreign key to do it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.db import models
from django.db.models.signals import pre_delete
from django.utils.translation import gettext as _

from apps.accounts.enums import Party, ProjectRole

from .enums import SignatureMeaning

RolesSpec = Mapping[str, Iterable[str]] | Callable[[models.Model], Mapping[str, Iterable[str]]]


class NotSignable(LookupError):
    """The model has not been registered as signable."""


@dataclass(frozen=True)
class Signable:
    model: type[models.Model]
    content: Callable[[models.Model], dict]
    project: Callable[[models.Model], Any]
    roles: RolesSpec
    meanings: Mapping[str, Iterable[str]] | None = None
    precondition: Callable[[models.Model], str | None] | None = None

    def signed_content(self, record: models.Model) -> dict:
        data = self.content(record)
        if not isinstance(data, dict):
            raise TypeError(f"{self.model._meta.label}: signed content must be a dict, not {type(data).__name__}")
        return data

    def project_of(self, record: models.Model):
        return self.project(record)

    def roles_for(self, record: models.Model) -> dict[str, frozenset[str]]:
        spec = self.roles(record) if callable(self.roles) else self.roles
        return {str(party): frozenset(str(r) for r in roles) for party, roles in spec.items()}

    def parties_for(self, record: models.Model) -> list[str]:
        roles = self.roles_for(record)
        return [p for p in Party.values if roles.get(p)]

    def meanings_for(self, party: str) -> list[str]:
        if not self.meanings:
            return list(SignatureMeaning.values)
        allowed = {str(m) for m in self.meanings.get(party, ())}
        return [m for m in SignatureMeaning.values if m in allowed]

    def refusal(self, record: models.Model) -> str | None:
        """A sentence saying why the record cannot be signed in its current state, or None."""
        return self.precondition(record) if self.precondition else None


def _validate_roles(model: type[models.Model], roles: RolesSpec) -> None:
    if callable(roles):
        return
    for party, role_set in roles.items():
        if party not in Party.values:
            raise ValueError(f"{model._meta.label}: unknown party {party!r}")
        unknown = {str(r) for r in role_set} - set(ProjectRole.values)
        if unknown:
            raise ValueError(f"{model._meta.label}: unknown roles {sorted(unknown)}")


@dataclass
class SignableRegistry:
    _entries: dict[str, Signable] = field(default_factory=dict)

    @staticmethod
    def _key(model_or_record: type[models.Model] | models.Model) -> str:
        return model_or_record._meta.concrete_model._meta.label_lower

    def register(self, model: type[models.Model], *, content: Callable[[models.Model], dict] | None = None,
                 project: Callable[[models.Model], Any] | None = None, roles: RolesSpec | None = None,
                 meanings: Mapping[str, Iterable[str]] | None = None,
                 precondition: Callable[[models.Model], str | None] | None = None,
                 replace: bool = False) -> Signable:
        """Make ``model`` signable. Arguments left out come from the model's
        :class:`SignableMixin` methods and attributes."""
        model = model._meta.concrete_model
        key = self._key(model)
        if key in self._entries and not replace:
            raise ValueError(f"{model._meta.label} is already signable")
        content = content or getattr(model, "signed_content", None)
        project = project or getattr(model, "get_signature_project", None)
        roles = roles if roles is not None else getattr(model, "signature_roles", None)
        meanings = meanings if meanings is not None else getattr(model, "signature_meanings", None)
        precondition = precondition or getattr(model, "signature_refusal", None)
        if content is None or project is None or not roles:
            raise ValueError(f"{model._meta.label}: signable needs content, project and roles")
        _validate_roles(model, roles)
        entry = Signable(model=model, content=content, project=project, roles=roles, meanings=meanings,
                         precondition=precondition)
        self._entries[key] = entry
        pre_delete.connect(_protect_signed_record, sender=model, dispatch_uid=f"signatures-protect-{key}")
        return entry

    def unregister(self, model: type[models.Model]) -> None:
        key = self._key(model)
        entry = self._entries.pop(key, None)
        if entry is not None:
            pre_delete.disconnect(sender=entry.model, dispatch_uid=f"signatures-protect-{key}")

    def get(self, model_or_record: type[models.Model] | models.Model) -> Signable:
        try:
            return self._entries[self._key(model_or_record)]
        except KeyError:
            raise NotSignable(f"{model_or_record._meta.label} is not signable") from None

    def is_signable(self, model_or_record) -> bool:
        return self._key(model_or_record) in self._entries

    def models(self) -> list[type[models.Model]]:
        return [e.model for e in self._entries.values()]


signables = SignableRegistry()


class SignableMixin:
    """Declare a model signable on the model itself.

    ``signature_roles`` maps a :class:`~apps.accounts.enums.Party` to the project roles that
    may sign for it; ``signature_meanings`` (optional) maps a party to the meanings it may
    sign with; ``signature_refusal()`` (optional) returns why the record cannot be signed
    now (e.g. still a draft), or None.
    """

    signature_roles: ClassVar[Mapping[str, Iterable[str]]] = {}
    signature_meanings: ClassVar[Mapping[str, Iterable[str]] | None] = None

    def signed_content(self) -> dict:
        raise NotImplementedError

    def get_signature_project(self):
        return self.project  # type: ignore[attr-defined]


def register_mixin_models() -> None:
    """Register every concrete model that inherits :class:`SignableMixin` (AppConfig.ready)."""
    from django.apps import apps

    for model in apps.get_models():
        if issubclass(model, SignableMixin) and not model._meta.abstract and not model._meta.proxy \
                and not signables.is_signable(model):
            signables.register(model)


def _protect_signed_record(sender, instance, **kwargs) -> None:
    from .models import Signature

    if instance.pk is None:
        return
    signed = Signature.objects.for_record(instance)
    if signed.exists():
        raise models.ProtectedError(
            _("This record has been signed and cannot be deleted."), set(signed))
