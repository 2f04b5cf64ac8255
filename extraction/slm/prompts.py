"""Prompt formats of the SLM families the registry knows.

A prompt is a user message (str) or a list of ``{"role", "content"}``
messages; the model's ``prompt_format`` turns it into the text the model was
tuned on, ending where the assistant's answer begins. ``end_tokens`` are
the tokens that close an assistant turn in that format (generation stops on
them; ``score`` appends the first one to a candidate so that a prefix of the
right value does not score as well as the value itself).
"""
from __future__ import annotations

from pathlib import Path
from typing import Mapping, Sequence, Union

Message = Mapping[str, str]
Prompt = Union[str, Sequence[Message]]

END_TOKENS = {
    "chatml": ("<|im_end|>", "<|endoftext|>"),
    "llama3": ("<|eot_id|>", "<|end_of_text|>", "<|eom_id|>"),
    "mistral": ("</s>",),
    "gemma": ("<end_of_turn>", "<eos>"),
    "phi3": ("<|end|>", "<|endoftext|>"),
    "template": (),
    "raw": (),
    "none": (),
}


def as_messages(prompt: Prompt, system: str | None = None) -> list[dict]:
    if isinstance(prompt, str):
        messages = [{"role": "user", "content": prompt}]
    else:
        messages = [dict(m) for m in prompt]
        for m in messages:
            if set(m) - {"role", "content"} or m.get("role") not in ("system", "user", "assistant"):
                raise ValueError("messages must be {'role': system|user|assistant, 'content': str} mappings")
    if system and not any(m["role"] == "system" for m in messages):
        messages.insert(0, {"role": "system", "content": system})
    return messages


def _chatml(messages):
    out = "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages)
    return out + "<|im_start|>assistant\n"


def _llama3(messages):
    out = "<|begin_of_text|>"
    for m in messages:
        out += f"<|start_header_id|>{m['role']}<|end_header_id|>\n\n{m['content'].strip()}<|eot_id|>"
    return out + "<|start_header_id|>assistant<|end_header_id|>\n\n"


def _mistral(messages):
    system = "\n\n".join(m["content"] for m in messages if m["role"] == "system")
    out, first_user = "<s>", True
    for m in messages:
        if m["role"] == "user":
            content = f"{system}\n\n{m['content']}" if (system and first_user) else m["content"]
            out += f"[INST] {content} [/INST]"
            first_user = False
        elif m["role"] == "assistant":
            out += f" {m['content']}</s>"
    return out


def _gemma(messages):
    # Gemma has no system role: a system message is prefixed to the first user turn.
    system = "\n\n".join(m["content"] for m in messages if m["role"] == "system")
    out, first_user = "<bos>", True
    for m in messages:
        if m["role"] == "system":
            continue
        role = "model" if m["role"] == "assistant" else "user"
        content = m["content"]
        if role == "user" and system and first_user:
            content = f"{system}\n\n{content}"
            first_user = False
        out += f"<start_of_turn>{role}\n{content}<end_of_turn>\n"
    return out + "<start_of_turn>model\n"


def _phi3(messages):
    out = "".join(f"<|{m['role']}|>\n{m['content']}<|end|>\n" for m in messages)
    return out + "<|assistant|>\n"


def _raw(messages):
    return "\n\n".join(m["content"] for m in messages)


FORMATTERS = {
    "chatml": _chatml,
    "llama3": _llama3,
    "mistral": _mistral,
    "gemma": _gemma,
    "phi3": _phi3,
    "raw": _raw,
}


class TemplateFormatter:
    """Renders the ``chat_template.jinja`` shipped beside the model (needs jinja2)."""

    def __init__(self, model_dir: Path, bos_token: str | None, eos_token: str | None):
        path = Path(model_dir) / "chat_template.jinja"
        try:
            import jinja2
            from jinja2.sandbox import ImmutableSandboxedEnvironment
        except ImportError:
            raise ValueError("prompt_format 'template' needs jinja2 installed") from None
        if not path.is_file():
            raise ValueError(f"prompt_format 'template' needs {path}")
        env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, undefined=jinja2.Undefined)
        env.globals["raise_exception"] = _raise
        self._template = env.from_string(path.read_text(encoding="utf-8"))
        self._bos, self._eos = bos_token or "", eos_token or ""

    def __call__(self, messages):
        return self._template.render(
            messages=messages, add_generation_prompt=True, bos_token=self._bos, eos_token=self._eos
        )


def _raise(message):
    raise ValueError(message)


def formatter_for(prompt_format: str, model_dir: Path | None = None, bos=None, eos=None):
    if prompt_format == "template":
        return TemplateFormatter(model_dir, bos, eos)
    try:
        return FORMATTERS[prompt_format]
    except KeyError:
        raise ValueError(f"no prompt formatter for {prompt_format!r}") from None
