"""What encryption at rest costs: sealing and opening page texts of typical sizes, and the space it takes.

    .venv/bin/python bench/at_rest_bench.py

Uses a throwaway key (COLONY_PII_KEY), never the appliance's.
"""
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "appliance.settings")


def timed(function, value, repeat):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = function(value)
        times.append(time.perf_counter() - started)
    return result, statistics.median(times)


def main():
    import django

    from extraction.pii.vault import ENV_KEY, generate_key

    os.environ[ENV_KEY] = generate_key()
    django.setup()
    from appliance.documents import at_rest

    line = "2024-03-01  Transfer to Jane Roe, phone 555-0100, ref 40000  12.50 EUR\n"
    print(f"{'page':>14} {'seal':>10} {'open':>10} {'stored/clear':>13}")
    for chars in (3_000, 100_000, 2_000_000):
        text = (line * (chars // len(line) + 1))[:chars]
        sealed, seal_s = timed(at_rest.seal, text, 20)
        _, open_s = timed(at_rest.unseal, sealed, 20)
        print(f"{chars:>10,} ch {seal_s * 1000:>8.2f}ms {open_s * 1000:>8.2f}ms {len(sealed) / len(text):>13.2f}")


if __name__ == "__main__":
    main()
