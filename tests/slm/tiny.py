"""Tiny randomly initialised checkpoints of the SLM families operators bring.

Each is a real transformers model of that architecture (2 layers, 64 wide)
with a tiny byte-level BPE tokenizer trained here, saved as a checkpoint
folder that the production conversion code turns into a CTranslate2 model.
Non-default RoPE settings are used on purpose: a converter that drops them
(as CTranslate2 4.8 does with transformers 5 configs) then fails the
log-likelihood comparison.
"""
from __future__ import annotations

from pathlib import Path

CORPUS = [
    "Invoice number INV-2024-001, total amount due 1,234.56 EUR, payable within 30 days.",
    "This contract is entered into by the parties on 1 March 2024 and governs the services.",
    "The quick brown fox jumps over the lazy dog. Hello world, what is the answer?",
    "<|im_start|>user\nWhat is the total?<|im_end|>\n<|im_start|>assistant\n1,234.56 EUR<|im_end|>",
]
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<pad>"]
SAMPLE = "Invoice number INV-2024-001, total amount due 1,234.56 EUR, payable within 30 days. This contract"


def build_tokenizer():
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=384,
        special_tokens=SPECIALS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(CORPUS * 10, trainer)
    return tok


def configs(vocab_size: int, sliding_window: int | None = None) -> dict:
    """name -> transformers config of a tiny model of that family."""
    import transformers as T

    common = dict(
        vocab_size=vocab_size,
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=512,
        bos_token_id=1,
        eos_token_id=2,
        pad_token_id=3,
        tie_word_embeddings=False,
        initializer_range=0.2,  # peaked distributions: greedy decoding is not a coin toss
    )
    rope = {"rope_type": "default", "rope_theta": 50000.0}
    return {
        # Llama 3.2: llama3 RoPE scaling (factor 32 over an 8192-token original context).
        "llama3.2": T.LlamaConfig(
            **common, head_dim=16,
            rope_parameters={
                "rope_type": "llama3", "rope_theta": 500000.0, "factor": 32.0, "low_freq_factor": 1.0,
                "high_freq_factor": 4.0, "original_max_position_embeddings": 8192,
            },
        ),
        "mistral": T.MistralConfig(**common, head_dim=16, rope_parameters=rope, sliding_window=sliding_window),
        # Gemma 2: final logit soft-capping and a query scale other than head_dim**-0.5 (as in 27B).
        # Attention soft-capping is off: CTranslate2 does not implement it (see README).
        "gemma2": T.Gemma2Config(
            **common, head_dim=16, query_pre_attn_scalar=12, rope_parameters=rope,
            final_logit_softcapping=3.0, attn_logit_softcapping=None, sliding_window=sliding_window or 4096,
        ),
        "gemma3": T.Gemma3TextConfig(
            **common, head_dim=16, query_pre_attn_scalar=16, sliding_window=sliding_window or 4096,
            rope_parameters={
                "sliding_attention": {"rope_type": "default", "rope_theta": 20000.0},
                "full_attention": {"rope_type": "default", "rope_theta": 300000.0},
            },
        ),
        "phi3": T.Phi3Config(
            **{**common, "num_key_value_heads": 4}, original_max_position_embeddings=512, rope_parameters=rope,
            rms_norm_eps=1e-5,
        ),
        "qwen2.5": T.Qwen2Config(**common, rope_parameters=rope),
        "qwen3": T.Qwen3Config(**common, head_dim=16, rope_parameters=rope),
    }


def save_checkpoint(name: str, config, tokenizer, root: Path, seed: int = 0) -> Path:
    import torch
    import transformers

    torch.manual_seed(seed)
    model = transformers.AutoModelForCausalLM.from_config(config).eval()
    out = Path(root) / name
    model.save_pretrained(out)
    fast = transformers.PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        bos_token="<|im_start|>",
        eos_token="<|im_end|>",
        unk_token="<|endoftext|>",
        pad_token="<pad>",
    )
    fast.save_pretrained(out)
    return out
