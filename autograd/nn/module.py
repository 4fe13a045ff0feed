"""``Module``, the base of every model, and its model files (JSON, never pickle).

A module finds its parameters from its attributes (Values, Modules, lists of them and lists
of lists of Values) and names them by place, so a drawn graph or a saved file says which
weight is which (``layers.0.neurons.3.w[1]``, ``blocks.0.attn.wq.w[3][1]``).

Model files: ``save`` writes the architecture (the module's ``config()``), every parameter by
name and any JSON metadata, to a temporary file renamed over the target. ``load_with_metadata``
reads only names and numbers and checks the whole file before building anything: the file
must be a regular file, every key of the architecture must be present with a value of the
right type (no defaults are filled in), and the number of parameters the architecture needs
must equal the number the file holds; only then is the model built and its parameters set.
Each saveable kind registers itself with :func:`register_kind` (the layer modules do).
"""

from __future__ import annotations

import errno
import json
import math
import os
import random
import stat
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar, NamedTuple, TypeVar

from autograd._files import write_atomically
from autograd.errors import ModelFileError
from autograd.value import Number, Value

__all__ = [
    "FORMAT",
    "MAX_METADATA_DEPTH",
    "Field",
    "Module",
    "ModelFileError",
    "SavedModel",
    "Seed",
    "register_kind",
    "kinds",
    "load",
    "load_with_metadata",
]

FORMAT = "autograd-model/1"
"""The value of the ``"format"`` key of the model files this version writes and reads."""

MAX_METADATA_DEPTH = 100
"""How deeply ``save`` lets metadata nest (lists and objects inside each other)."""

Seed = int | random.Random | None
"""An int (a new ``random.Random(seed)``), a ``random.Random`` to draw from, or None for the
``random`` module's global generator (micrograd's behaviour: ``random.seed(1337)`` works)."""

M = TypeVar("M", bound="Module")


# ---------------------------------------------------------------------------- helpers
def generator(seed: object, what: str) -> Any:
    """The generator ``seed`` stands for (see ``Seed``): for None the instance behind the
    ``random`` module's functions (so ``random.seed(1337)`` applies), which a module can hand
    on to the modules it builds."""
    if seed is None:
        return random._inst  # the random module's functions are its bound methods
    if isinstance(seed, random.Random):
        return seed
    if type(seed) is int:
        return random.Random(seed)
    raise TypeError(f"{what}: seed must be an int, a random.Random or None, got {type(seed).__name__}")


def check_size(n: object, what: str) -> int:
    """``n`` if it is a positive int (not a bool), else ValueError naming ``what``."""
    if type(n) is not int or n < 1:
        raise ValueError(f"{what}: expected a positive int, got {shown(n)}")
    return n


def shown(x: object) -> str:
    """``x`` for an error message: its repr, short, and never all digits of a huge int."""
    if type(x) is int and x.bit_length() > 100:
        if x.bit_length() < 14_000:  # under Python's 4300-digit limit for str()
            return f"an integer of {len(str(abs(x)))} digits"
        return f"an integer of about {int(x.bit_length() * math.log10(2))} digits"
    try:
        text = repr(x)
    except (ValueError, RecursionError):  # an int past Python's digit limit, a self-containing list
        text = f"a {type(x).__name__}"
    return text if len(text) <= 80 else text[:77] + "..."


def json_shown(x: object) -> str:
    """A value read from a JSON file, as JSON (``null``, ``true``, ``"exp"``), short."""
    if type(x) is int and x.bit_length() > 100:
        return shown(x)
    try:
        text = json.dumps(x)
    except (TypeError, ValueError, RecursionError):
        return shown(x)
    return text if len(text) <= 80 else text[:77] + "..."


def as_inputs(x: Sequence[Value | Number], nin: int, what: str) -> list[Value]:
    """``x`` (a sequence of ``nin`` numbers or Values) as a list of Values."""
    if isinstance(x, (Value, str, bytes)) or not hasattr(x, "__len__"):
        raise TypeError(
            f"{what}: expected a sequence of {nin} numbers or Values, got {type(x).__name__}: {x!r:.80}"
        )
    if len(x) != nin:
        raise ValueError(f"{what}: expected {nin} inputs, got {len(x)}")
    xs: list[Any] = list(x)
    for i, v in enumerate(xs):
        if v.__class__ is not Value and not isinstance(v, Value):
            try:
                xs[i] = Value(v)
            except TypeError:
                raise TypeError(
                    f"{what}: input {i} must be a number or a Value, got {type(v).__name__}: {v!r:.80}"
                ) from None
    return xs


def _attributes(prefix: str, module: Module) -> Iterator[tuple[str, Value | Module]]:
    """The Values and Modules among ``module``'s public attributes (in their lists, and in
    lists of lists of Values: a matrix ``w`` gives ``w[i][j]``), named."""
    for name, attr in vars(module).items():
        if name.startswith("_"):
            continue
        if isinstance(attr, (Value, Module)):
            yield prefix + name, attr
        elif isinstance(attr, (list, tuple)):
            for i, item in enumerate(attr):
                if isinstance(item, Value):
                    yield f"{prefix}{name}[{i}]", item
                elif isinstance(item, Module):
                    yield f"{prefix}{name}.{i}", item
                elif isinstance(item, (list, tuple)):
                    for j, v in enumerate(item):
                        if isinstance(v, Value):
                            yield f"{prefix}{name}[{i}][{j}]", v


class Field(NamedTuple):
    """One key of a saved architecture: what it must be (for the error) and the check."""

    expected: str
    check: Callable[[object], bool]


def positive_int_field() -> Field:
    """A size: an int >= 1 (a bool, a float or null is refused)."""
    return Field("a positive integer", lambda v: type(v) is int and v >= 1)


def choice_field(choices: Sequence[str]) -> Field:
    """One of the strings ``choices``."""
    options = ", ".join(json.dumps(c) for c in choices)
    return Field(f"one of {options}", lambda v: type(v) is str and v in choices)


def bool_field() -> Field:
    """true or false."""
    return Field("true or false", lambda v: type(v) is bool)


class Module:
    """Base class of anything with parameters, as in micrograd (``parameters``, ``zero_grad``).

    Parameters are found from the instance's attributes, in the order they were set: a
    Value attribute ``b`` is named ``b``, a list of Values ``w`` gives ``w[0]``, ``w[1]``
    ..., a list of lists of Values (a matrix) ``w[0][0]``, ``w[0][1]`` ..., a Module
    attribute ``head`` contributes ``head.`` + its own names and a list of Modules
    ``layers`` contributes ``layers.0.``, ``layers.1.`` ... A parameter reached twice is
    listed once. A subclass may override ``named_parameters`` (or, as in micrograd, only
    ``parameters``, which is enough for ``zero_grad`` and the optimisers).

    A kind that can be saved declares its architecture: ``fields`` (the keys of its
    ``config()`` and what each must be), ``parameter_count(config)`` and ``register_kind``.
    """

    fields: ClassVar[dict[str, Field]] = {}
    """The keys of ``config()`` and what each must be, checked when a model file is loaded."""

    def named_parameters(self) -> list[tuple[str, Value]]:
        """``(name, parameter)`` pairs, names like ``layers.0.neurons.3.w[1]``."""
        out: list[tuple[str, Value]] = []
        seen: set[int] = {id(self)}
        # A stack of iterators, one per module being walked: nested modules are visited in
        # attribute order without recursion, and a module reached twice is walked once.
        stack = [_attributes("", self)]
        while stack:
            entry = next(stack[-1], None)
            if entry is None:
                stack.pop()
                continue
            name, item = entry
            if id(item) in seen:
                continue
            seen.add(id(item))
            if isinstance(item, Value):
                out.append((name, item))
            else:
                stack.append(_attributes(name + ".", item))
        return out

    def parameters(self) -> list[Value]:
        """The parameters, in the order of ``named_parameters``."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0.0."""
        for p in self.parameters():
            p.grad = 0.0

    def label_parameters(self) -> None:
        """Set each parameter's label to its name, so a drawn graph shows where it lives."""
        for name, p in self.named_parameters():
            p.label = name

    # ------------------------------------------------------------------ state
    def state_dict(self) -> dict[str, float]:
        """Every parameter's value by name: ``{"layers.0.neurons.0.w[0]": 0.53, ...}``."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, object]) -> None:
        """Set the parameters from ``state`` (as made by ``state_dict``).

        ``state`` must hold exactly this module's parameter names, each with a finite real
        number. Everything is checked before anything is set: on an error (ValueError or
        TypeError) no parameter has changed.
        """
        if not isinstance(state, Mapping):
            raise TypeError(
                f"load_state_dict: expected a mapping of names to numbers, got {type(state).__name__}"
            )
        named = self.named_parameters()
        names = [name for name, _ in named]
        missing = [n for n in names if n not in state]
        known = set(names)
        unexpected = [str(k) for k in state if k not in known]
        if missing or unexpected:
            parts = []
            if missing:
                parts.append(f"{len(missing)} missing (e.g. {', '.join(missing[:3])})")
            if unexpected:
                examples = ", ".join(u[:80] for u in unexpected[:3])
                parts.append(f"{len(unexpected)} unexpected (e.g. {examples})")
            raise ValueError(
                f"load_state_dict: the parameters do not match this {type(self).__name__} "
                f"({len(names)} parameters): {'; '.join(parts)}"
            )
        values: list[float] = []
        for name in names:
            x = state[name]
            if type(x) not in (float, int):
                raise TypeError(
                    f"load_state_dict: parameter {name!r} must be a number, "
                    f"got {type(x).__name__}: {shown(x)}"
                )
            try:
                f = float(x)  # type: ignore[arg-type]
            except OverflowError:
                raise ValueError(
                    f"load_state_dict: parameter {name!r} is {shown(x)}, too large for a float"
                ) from None
            if not math.isfinite(f):
                raise ValueError(f"load_state_dict: parameter {name!r} must be finite, got {f!r}")
            values.append(f)
        for (_, p), f in zip(named, values):
            p.data = f

    # ------------------------------------------------------------------ files
    def config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this module's architecture (for ``save``)."""
        raise TypeError(
            f"{type(self).__name__} cannot be saved as a model file: only {', '.join(_KINDS)} "
            "describe their architecture; save its state_dict() instead"
        )

    @classmethod
    def parameter_count(cls, config: Mapping[str, Any]) -> int:
        """How many parameters the architecture ``config`` (checked against ``fields``) has,
        computed without building it."""
        raise NotImplementedError(f"{cls.__name__} does not describe its architecture")

    def save(self, path: str | os.PathLike[str], *, metadata: Mapping[str, Any] | None = None) -> Path:
        """Write the architecture, the parameters and ``metadata`` to ``path`` as JSON.

        ``metadata`` is any JSON data (a mapping, nested at most ``MAX_METADATA_DEPTH``
        levels), for example what the outputs mean. The file is written to a temporary file
        beside ``path`` and renamed over it, so an interrupted save leaves the old file
        intact. Returns the path.
        """
        if _KINDS.get(type(self).__name__) is not type(self):
            raise TypeError(
                f"{type(self).__name__} cannot be saved as a model file: only {', '.join(_KINDS)} "
                "can be rebuilt from one; save its state_dict() instead"
            )
        if metadata is not None and not isinstance(metadata, Mapping):
            raise TypeError(f"save: metadata must be a mapping or None, got {type(metadata).__name__}")
        _check_depth(metadata or {})
        state = self.state_dict()
        for name, x in state.items():
            if not math.isfinite(x):
                raise ValueError(f"save: parameter {name!r} is {x!r}; a model file holds finite numbers only")
        document = {
            "format": FORMAT,
            "model": {"type": type(self).__name__, **self.config()},
            "metadata": dict(metadata or {}),
            "parameters": state,
        }
        try:
            text = json.dumps(document, indent=1, allow_nan=False)
        except (TypeError, ValueError) as error:
            raise ValueError(
                f"save: the metadata must be JSON data without NaN or infinity: {error}"
            ) from None
        target = Path(path)
        write_atomically(target, text.encode("utf-8") + b"\n")
        return target

    @classmethod
    def load(cls: type[M], path: str | os.PathLike[str]) -> M:
        """Build the model saved in ``path`` (``MLP.load(path)``, or ``Module.load`` for any kind).

        Raises ModelFileError for a file that is not valid JSON, is not a model file, or whose
        parameters do not fit its architecture, and OSError if it cannot be read.
        """
        model = load_with_metadata(path).model
        if not isinstance(model, cls):
            raise ModelFileError(
                f"{path}: expected a saved {cls.__name__}, got a saved {type(model).__name__}"
            )
        return model

    def load_weights(self, path: str | os.PathLike[str]) -> None:
        """Set this module's parameters from a model file saved from the same architecture.

        The whole file is checked first: on any error no parameter has changed.
        """
        saved = load_with_metadata(path).model
        if type(saved) is not type(self) or saved.config() != self.config():
            raise ModelFileError(
                f"{path}: the file holds {saved!r}, which does not match this model {self!r}"
            )
        self.load_state_dict(saved.state_dict())


_KINDS: dict[str, type[Module]] = {}

K = TypeVar("K", bound=type[Module])


def register_kind(cls: K) -> K:
    """Make ``cls`` a kind model files can hold (under its class name); returns ``cls``.

    ``cls`` must declare ``fields`` (every key of its ``config()``), ``parameter_count`` and
    a constructor that takes the config's keys as keyword arguments, plus ``seed``.
    """
    if not (isinstance(cls, type) and issubclass(cls, Module)) or not cls.fields:
        raise TypeError(f"register_kind: expected a Module subclass declaring its fields, got {cls!r:.80}")
    _KINDS[cls.__name__] = cls
    return cls


def kinds() -> dict[str, type[Module]]:
    """The kinds model files can hold, by name."""
    return dict(_KINDS)


def _check_depth(metadata: object) -> None:
    """ValueError if ``metadata`` nests more than MAX_METADATA_DEPTH levels (walked with a
    stack, so a deep or self-containing structure is refused rather than overflowing)."""
    stack: list[tuple[object, int]] = [(metadata, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, Mapping):
            children: Any = item.values()
        elif isinstance(item, (list, tuple)):
            children = item
        else:
            continue
        if depth > MAX_METADATA_DEPTH:
            raise ValueError(
                f"save: the metadata nests more than {MAX_METADATA_DEPTH} levels of lists and "
                "objects (or contains itself); a model file keeps metadata shallower than that"
            )
        stack.extend((c, depth + 1) for c in children)


# ---------------------------------------------------------------------------- reading
class SavedModel(NamedTuple):
    """What a model file holds: the rebuilt model and the metadata saved with it."""

    model: Module
    metadata: dict[str, Any]


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not allowed (parameters must be finite numbers)")


_FILE_TYPES = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The bytes of the regular file at ``path``. A FIFO, a device or a socket is refused
    (ModelFileError) without waiting for a writer: the file is opened non-blocking and its
    type read from the open descriptor. OSError (missing, unreadable, a folder) propagates."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(mode):
            kind = next((name for test, name in _FILE_TYPES if test(mode)), "a special file")
            raise ModelFileError(f"{path}: not a model file: it is {kind}, not a regular file")
        return handle.read()


def _read_document(path: str | os.PathLike[str]) -> dict[str, Any]:
    raw = _read_bytes(path)
    try:
        text = raw.decode("utf-8")
        document = json.loads(text, parse_constant=_reject_constant)
    except UnicodeDecodeError:
        raise ModelFileError(f"{path}: not a model file (not UTF-8 text)") from None
    except json.JSONDecodeError as error:
        raise ModelFileError(
            f"{path}: not a model file "
            f"(invalid JSON at line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    except ValueError as error:  # NaN, Infinity, an integer of more than 4300 digits
        raise ModelFileError(f"{path}: {error}") from None
    except RecursionError:
        raise ModelFileError(f"{path}: not a model file (nested too deeply)") from None
    if not isinstance(document, dict):
        raise ModelFileError(
            f"{path}: not a model file (expected a JSON object, got {type(document).__name__})"
        )
    fmt = document.get("format")
    if fmt != FORMAT:
        if isinstance(fmt, str) and fmt.startswith(FORMAT.split("/")[0] + "/"):
            raise ModelFileError(
                f"{path}: unsupported model file version {fmt!r}; this version reads {FORMAT!r}"
            )
        raise ModelFileError(
            f'{path}: not a model file (expected "format": {FORMAT!r}, got {json_shown(fmt)})'
        )
    for key in ("model", "parameters"):
        if key not in document:
            raise ModelFileError(f"{path}: the model file has no {key!r} entry")
    extra = sorted(set(document) - {"format", "model", "metadata", "parameters"})
    if extra:
        raise ModelFileError(
            f'{path}: unexpected top-level keys {[k[:40] for k in extra[:5]]}; a model file holds "format", '
            '"model", "metadata" and "parameters"'
        )
    return document


def _count_text(n: int) -> str:
    return f"{n:,}" if n.bit_length() <= 100 else f"about 10^{int(n.bit_length() * math.log10(2))}"


def _architecture(
    path: str | os.PathLike[str], spec: object, held: int
) -> tuple[type[Module], dict[str, Any]]:
    """The kind and constructor arguments of the file's ``"model"`` entry, every key checked,
    and the parameter count it implies compared with the ``held`` parameters of the file."""
    if not isinstance(spec, dict):
        raise ModelFileError(f'{path}: "model" must be an object, got {type(spec).__name__}')
    kind = spec.get("type")
    cls = _KINDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ModelFileError(
            f'{path}: "model"."type" must be one of {", ".join(_KINDS)}, got {json_shown(kind)}'
        )
    args = {k: v for k, v in spec.items() if k != "type"}
    expected = set(cls.fields)
    if set(args) != expected:
        missing = sorted(expected - set(args))
        extra = sorted(k[:40] for k in set(args) - expected)
        raise ModelFileError(
            f'{path}: "model" for {cls.__name__} needs the keys {sorted(expected)}; '
            f"missing {missing}, unexpected {extra}"
        )
    for key, field in cls.fields.items():
        if not field.check(args[key]):
            raise ModelFileError(
                f'{path}: "model"."{key}" for {cls.__name__} must be {field.expected}, '
                f"got {json_shown(args[key])}"
            )
    try:
        count = cls.parameter_count(args)
    except ValueError as error:  # the keys are each valid but not together (n_embd % n_head)
        raise ModelFileError(f'{path}: "model" does not describe a valid {cls.__name__}: {error}') from None
    if count != held:
        raise ModelFileError(
            f'{path}: the architecture in "model" ({cls.__name__}) has {_count_text(count)} parameters, '
            f'but "parameters" holds {held:,}; nothing was built'
        )
    return cls, args


def load_with_metadata(path: str | os.PathLike[str]) -> SavedModel:
    """The model saved in ``path`` and the metadata saved with it.

    Raises ModelFileError (a ValueError) for a file that is not a regular file, not valid
    JSON, not a model file, has missing, extra or mistyped keys, weights that are not finite
    numbers, or weights that do not fit the architecture; OSError when it cannot be read.
    Nothing is built until the whole architecture is checked and its parameter count
    matches the file's.
    """
    document = _read_document(path)
    metadata = document.get("metadata", {})
    if not isinstance(metadata, dict):
        raise ModelFileError(f'{path}: "metadata" must be an object, got {type(metadata).__name__}')
    parameters = document["parameters"]
    if not isinstance(parameters, dict):
        raise ModelFileError(f'{path}: "parameters" must be an object, got {type(parameters).__name__}')
    cls, args = _architecture(path, document["model"], len(parameters))
    try:
        # A model built only to receive the saved parameters: drawing from a throwaway
        # generator leaves the global random state untouched.
        factory: Any = cls
        model: Module = factory(**args, seed=0)
    except (TypeError, ValueError) as error:
        raise ModelFileError(f'{path}: "model" does not describe a valid {cls.__name__}: {error}') from None
    try:
        model.load_state_dict(parameters)
    except (TypeError, ValueError) as error:
        raise ModelFileError(f"{path}: {error}") from None
    return SavedModel(model, metadata)


def load(path: str | os.PathLike[str]) -> Module:
    """The model saved in ``path`` (any registered kind); see ``load_with_metadata``."""
    return load_with_metadata(path).model
