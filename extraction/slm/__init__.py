"""Small language models on premises: registry, offline build, CTranslate2 runtime.

    from extraction.slm import embed, generate, score, score_batch, warm_up

See extraction/slm/README.md.
"""
from .errors import (  # noqa: F401
    BUILD_COMMAND,
    BuildDependencyError,
    BuildError,
    ModelCorruptError,
    ModelNotBuiltError,
    ModelUnavailableError,
    PromptTooLongError,
    RegistryError,
    SLMError,
    UnknownModelError,
)
from .registry import ModelSpec, Registry, get_registry, load_registry  # noqa: F401
from .runtime import (  # noqa: F401
    CandidateScore,
    Completion,
    EmbedResult,
    GenerateResult,
    ModelPool,
    ScoreResult,
    Usage,
    embed,
    generate,
    get_pool,
    score,
    score_batch,
    warm_up,
)
