"""consentkit: signed, verifiable proof of data-sharing deals (COSE/CBOR).

The API is the uniffi-generated modules, re-exported here unchanged:
``consentkit._uniffi.consentkit_core`` (the core's own records and enums,
derived on the Rust types) and ``consentkit._uniffi.consentkit`` (the
bindings' objects, functions, errors and records). This file is glue only, no rules: it makes the generated
classes behave as Python code expects.

- ``str(e)`` of a ``ConsentKitError`` is the core's message (``e.reason``);
  ``str(kind)`` of a ``FindingKind`` is its JSON name (``after_withdrawal``);
  ``repr(e)`` is ``ConsentKitError.Usage(reason='…')``.
- ``repr`` of a record shows its fields: ``Benefit(kind='…', …)``.
- Bytes parameters take any bytes-like object (``bytes``, ``bytearray``,
  ``memoryview``).
- ``Wallet`` and ``Controller`` (which hold a wallet file and private keys)
  are context managers; ``close()`` releases them early.
- ``__version__`` is the package's version (the workspace's Cargo version).

Types: ``py.typed`` and ``__init__.pyi`` (generated from the same module by
``scripts/build-bindings``) let mypy check calls.
"""

import dataclasses as _dataclasses
import importlib.metadata as _metadata
from typing import Any as _Any

from ._uniffi import consentkit as _generated
from ._uniffi import consentkit_core as _core
from ._uniffi.consentkit_core import *  # noqa: F401,F403  (the core's types)
from ._uniffi.consentkit import *  # noqa: F401,F403  (the generated API)

__version__: str = _metadata.version("consentkit")

# uniffi's InternalError is in both modules: listed once (the bindings' one is exported).
__all__ = list(dict.fromkeys([*_core.__all__, *_generated.__all__, "__version__"]))


# --- errors: str(e) is the message ---------------------------------------------


def _error_str(self: BaseException) -> str:
    reason = getattr(self, "reason", None)
    return reason if isinstance(reason, str) else Exception.__str__(self)


def _error_repr(self: BaseException) -> str:
    return "{}.{}(reason={!r})".format(
        _core.ConsentKitError.__name__, type(self).__name__, getattr(self, "reason", None)
    )


def _error_variants(base: type) -> "list[type]":
    return [
        v for v in vars(base).values() if isinstance(v, type) and issubclass(v, base) and v is not base
    ]


_core.ConsentKitError.__str__ = _error_str  # type: ignore[method-assign]
for _variant in _error_variants(_core.ConsentKitError):
    _variant.__str__ = _error_str  # type: ignore[method-assign]
    _variant.__repr__ = _error_repr  # type: ignore[method-assign]


# A foreign trait (an async signer) that raises ConsentKitError: the error is
# the core's type, lowered by the core module into its own _UniffiRustBuffer
# class, while the bindings' callback builds its call status from the
# bindings' class (ctypes: "incompatible types"). Both are the same C struct
# over the same library's allocator: the lowered buffer is re-typed.
_core_error_lower = _core._UniffiFfiConverterTypeConsentKitError.lower


def _error_lower(value: _Any) -> _Any:
    b = _core_error_lower(value)
    return _generated._UniffiRustBuffer(b.capacity, b.len, b.data)


_core._UniffiFfiConverterTypeConsentKitError.lower = staticmethod(_error_lower)  # type: ignore[method-assign]


# --- records: a repr that shows the fields ------------------------------------------


def _record_repr(self: object) -> str:
    fields = ", ".join("{}={!r}".format(k, v) for k, v in vars(self).items())
    return "{}({})".format(type(self).__qualname__, fields)


def _variant_repr(self: _Any) -> str:
    # A variant of an enum with data: Signatory.TRUSTED(role=…, party=…).
    values = vars(self).get("_values")
    if values is not None:
        return "{}({})".format(type(self).__qualname__, ", ".join(map(repr, values)))
    return _record_repr(self)


for _name in __all__[:-1]:
    _cls = globals()[_name]
    if not isinstance(_cls, type) or issubclass(_cls, BaseException):
        continue
    # uniffi declares records (and the variants of enums with data) as
    # @dataclass with its own __init__ and no annotated fields, so
    # dataclass's repr shows none ("Benefit()").
    if _dataclasses.is_dataclass(_cls):
        _cls.__repr__ = _record_repr  # type: ignore[method-assign]
    for _nested in vars(_cls).values():
        if isinstance(_nested, type) and _dataclasses.is_dataclass(_nested):
            _nested.__repr__ = _variant_repr  # type: ignore[method-assign]


# --- FindingKind: str() is the core's Display, the kind's JSON name ---------------------
# uniffi 0.32 exports an enum's Display (#[uniffi::export(Display)]) to Kotlin
# (toString) and Swift (description), but its Python template leaves it out
# of a data-less enum's `enum.Enum` class: the same FFI function is called here.


def _finding_kind_str(self: _Any) -> str:
    return _core._UniffiFfiConverterString.lift(
        _core._uniffi_rust_call(
            _core._UniffiLib.uniffi_consentkit_fn_method_findingkind_uniffi_trait_display,
            _core._UniffiFfiConverterTypeFindingKind.lower(self),
        )
    )


_core.FindingKind.__str__ = _finding_kind_str  # type: ignore[method-assign]
_core.FindingKind.__format__ = lambda self, spec: format(str(self), spec)  # type: ignore[method-assign]


# --- bytes-like inputs ------------------------------------------------------------------


def _bytes_write(value: _Any, buf: _Any) -> None:
    # bytes(memoryview) copies the raw bytes whatever the view's format or
    # shape; len() of the view would count items, not bytes.
    data = value if isinstance(value, bytes) else bytes(memoryview(value))
    buf.write_i32(len(data))
    buf.write(data)


for _module in (_core, _generated):
    if hasattr(_module, "_UniffiFfiConverterBytes"):
        _module._UniffiFfiConverterBytes.write = staticmethod(_bytes_write)


# --- context managers: release a wallet's file and keys ------------------------------


def _close(self: _Any) -> None:
    """Releases the native object now (file handle, keys) instead of at
    garbage collection. Calling a method afterwards raises ``ValueError``;
    closing twice is harmless."""
    if getattr(self, "_handle", None) is not None:
        type(self).__del__(self)
        self._handle = None


def _enter(self: _Any) -> _Any:
    return self


def _exit(self: _Any, *exc: object) -> None:
    _close(self)


def _closable(cls: _Any) -> None:
    clone = cls._uniffi_clone_handle

    def _uniffi_clone_handle(self: _Any) -> _Any:
        if getattr(self, "_handle", None) is None:
            raise ValueError("this {} is closed".format(type(self).__name__))
        return clone(self)

    cls._uniffi_clone_handle = _uniffi_clone_handle
    cls.close = _close
    cls.__enter__ = _enter
    cls.__exit__ = _exit


_closable(_generated.Wallet)
_closable(_generated.Controller)
_closable(_generated.KeyPair)

for _n in ("_name", "_cls", "_variant", "_nested", "_module", "_n"):
    globals().pop(_n, None)
