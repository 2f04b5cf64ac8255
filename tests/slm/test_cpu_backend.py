"""The runtime's CPU set-up: which CTranslate2 kernels it asks for, and how it batches encoder inputs."""
import os

import pytest

from extraction.slm.runtime import EMBED_BATCH_TOKENS, _token_batches, configure_cpu_backend

AVX512 = "avx512f avx512dq avx512bw avx512vl"


def cpuinfo(tmp_path, vendor, flags):
    path = tmp_path / "cpuinfo"
    path.write_text(f"processor\t: 0\nvendor_id\t: {vendor}\nflags\t\t: fpu sse2 avx2 {flags}\n\n", encoding="ascii")
    return str(path)


@pytest.fixture
def no_isa_override(monkeypatch):
    # setenv first: monkeypatch then restores the variable's state before the test (also when it was
    # unset), including what configure_cpu_backend writes to os.environ itself
    monkeypatch.setenv("CT2_FORCE_CPU_ISA", "")
    monkeypatch.delenv("CT2_FORCE_CPU_ISA")


def test_avx512_is_forced_on_a_non_intel_cpu_that_has_it(tmp_path, no_isa_override):
    assert configure_cpu_backend(cpuinfo(tmp_path, "AuthenticAMD", AVX512)) == "AVX512"
    assert os.environ["CT2_FORCE_CPU_ISA"] == "AVX512"


@pytest.mark.parametrize("vendor, flags", [
    ("GenuineIntel", AVX512),  # CTranslate2 picks AVX-512 on Intel by itself
    ("AuthenticAMD", "avx512f"),  # part of the AVX-512 family only
    ("AuthenticAMD", ""),
])
def test_other_cpus_keep_ctranslate2s_choice(tmp_path, no_isa_override, vendor, flags):
    assert configure_cpu_backend(cpuinfo(tmp_path, vendor, flags)) is None
    assert "CT2_FORCE_CPU_ISA" not in os.environ


def test_an_operators_setting_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("CT2_FORCE_CPU_ISA", "AVX2")
    assert configure_cpu_backend(cpuinfo(tmp_path, "AuthenticAMD", AVX512)) is None
    assert os.environ["CT2_FORCE_CPU_ISA"] == "AVX2"


def test_no_cpuinfo_leaves_the_choice_alone(tmp_path, no_isa_override):
    assert configure_cpu_backend(str(tmp_path / "absent")) is None
    assert "CT2_FORCE_CPU_ISA" not in os.environ


def test_encoder_batches_respect_both_the_item_and_the_padded_token_budget():
    lengths = [256] * 10 + [10] * 40  # indices 0-9 long, 10-49 short
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches = list(_token_batches(order, lengths, 32, EMBED_BATCH_TOKENS))
    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))
    # 32 short inputs (the item cap), the other 8 short ones (a long one would pad them all to 256
    # tokens), then the long ones, 8 x 256 = 2048 tokens a batch
    assert [len(b) for b in batches] == [32, 8, 8, 2]
    for batch in batches:
        assert len(batch) * max(lengths[i] for i in batch) <= EMBED_BATCH_TOKENS


def test_an_input_longer_than_the_token_budget_is_a_batch_of_its_own():
    assert list(_token_batches([0, 1], [5000, 5000], 8, 2048)) == [[0], [1]]
