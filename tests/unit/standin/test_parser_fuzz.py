"""Random input into every parser of the stand-in: only ApiError (a clean HTTP error) may come out."""

import random

from tests.standin import api, codec, errors, patch, protobuf, selectors

ALPHABET = "abcxyz019=!,()- ./\\\"'{}[]:\n\t\x00é"


def _text(rnd, n=40):
    return "".join(rnd.choice(ALPHABET) for _i in range(rnd.randint(0, n)))


def test_parsers_answer_api_errors_only():
    rnd = random.Random(7)
    for _i in range(3000):
        s = _text(rnd)
        for call in (
            lambda s=s: selectors.parse_labels(s),
            lambda s=s: selectors.parse_fields(s, "", "pods"),
            lambda s=s: codec.decode(
                s.encode("utf-8", "replace"),
                rnd.choice(["application/json", "application/yaml", "application/apply-patch+yaml"]),
            ),
            lambda: protobuf.decode(b"k8s\x00" + bytes(rnd.getrandbits(8) for _i in range(rnd.randint(0, 40)))),
            lambda s=s: patch.json_patch(
                {"a": [1]},
                [
                    {
                        "op": rnd.choice(["add", "remove", "replace", "move", "copy", "test", "x"]),
                        "path": s,
                        "from": s,
                        "value": s,
                    }
                ],
            ),
        ):
            try:
                call()
            except errors.ApiError as exc:
                assert 400 <= exc.code < 500, exc.message


def test_accept_headers_and_resource_paths_parse_anything():
    rnd = random.Random(11)
    for _i in range(2000):
        header = _text(rnd, 80)
        codec.parse_accept(header)
        codec.wants(header, "Table", "meta.k8s.io")
        parts = [p for p in _text(rnd, 60).split("/") if p]
        api.parse_resource_path(parts)
