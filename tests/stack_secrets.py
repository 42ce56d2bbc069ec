"""What the test stack's secret store serves: the committed dev secrets plus generated
ones with awkward keys and values.

daprd's local.file store reads its file once, at start, so the generated secrets must
exist before the session's stack starts: they come from a seeded generator (the same
file every run, so a failure reproduces) and the property tests draw from them.
"""

import json
import random
import string
from pathlib import Path

from devstack.runtime import DEV_SECRETS_FILE

SEED = 7

# Keys: separators, spaces and non-ASCII letters; values: quotes, backslashes, format
# characters ("%", "{}"), whitespace controls and characters outside the BMP.
_KEY_ALPHABET = string.ascii_letters + string.digits + "-_./:@+= éßΩ日本"
_VALUE_ALPHABET = string.ascii_letters + string.digits + string.punctuation + " \t\néßΩ€日本😀"

SecretFile = dict[str, str | dict[str, str]]


def _text(rng: random.Random, alphabet: str, low: int, high: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(low, high)))


def _generate(seed: int) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    rng = random.Random(seed)
    taken = set(json.loads(DEV_SECRETS_FILE.read_text()))
    single: dict[str, str] = {}
    multi: dict[str, dict[str, str]] = {}

    def new_key() -> str:
        while True:
            key = _text(rng, _KEY_ALPHABET, 1, 40)
            if key.strip() and key not in taken:
                taken.add(key)
                return key

    for _ in range(150):
        single[new_key()] = _text(rng, _VALUE_ALPHABET, 16, 64)
    for _ in range(30):
        fields = {_text(rng, _KEY_ALPHABET.replace(":", ""), 1, 20) for _ in range(4)}
        multi[new_key()] = {field: _text(rng, _VALUE_ALPHABET, 16, 64) for field in fields}
    return single, multi


SINGLE_VALUED, MULTI_VALUED = _generate(SEED)


def served() -> dict[str, dict[str, str]]:
    """Every secret as the multi-valued store answers it: key -> {value name: value}."""
    file: SecretFile = {**json.loads(DEV_SECRETS_FILE.read_text()), **SINGLE_VALUED, **MULTI_VALUED}
    return {
        key: {key: values} if isinstance(values, str) else dict(values)
        for key, values in file.items()
    }


def write_secrets_file(path: Path) -> Path:
    file = {**json.loads(DEV_SECRETS_FILE.read_text()), **SINGLE_VALUED, **MULTI_VALUED}
    path.write_text(json.dumps(file, ensure_ascii=False, indent=1), encoding="utf-8")
    return path
