# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Keep secrets out of reports.

Check results carry no credentials by design; this is the second line of defence, applied
once to everything a report is rendered from: values of secret-looking keys, bearer tokens,
JWTs, PEM private keys, user:password@ in URLs, and any value the caller names.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

MASK = "********"

# dict keys whose values are never shown (compared lower-case, "-" and "_" ignored)
SECRET_KEYS = (
    "token",
    "apikey",
    "password",
    "secret",
    "authorization",
    "clientkeydata",
    "clientkey",
    "privatekey",
    "bearertoken",
    "aadclientsecret",
)

_PATTERNS = (
    # Authorization: Bearer <token>, "bearer <token>"
    (re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{8,}"), r"\1" + MASK),
    # JSON Web Tokens (service-account tokens)
    (re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"), MASK),
    # PEM private keys
    (
        re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.S),
        "-----BEGIN PRIVATE KEY-----" + MASK + "-----END PRIVATE KEY-----",
    ),
    # user:password@host in URLs
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/@\s\"']+@"), r"\1" + MASK + "@"),
)


def _secret_key(key):
    norm = re.sub(r"[-_ ]", "", str(key)).lower()
    return any(norm == s or norm.endswith(s) for s in SECRET_KEYS)


def redact_text(text, values=()):
    for value in values:
        if value:
            text = text.replace(value, MASK)
    for pattern, repl in _PATTERNS:
        text = pattern.sub(repl, text)
    return text


def redact(data, values=()):
    """A copy of ``data`` (dicts, lists, strings, scalars) with secrets masked."""
    values = sorted((v for v in values or () if isinstance(v, str) and len(v) >= 4), key=len, reverse=True)
    return _walk(data, values)


def _walk(data, values):
    if isinstance(data, dict):
        out = {}
        for key, value in data.items():
            if _secret_key(key) and value not in (None, "", [], {}):
                out[key] = MASK
            else:
                out[key] = _walk(value, values)
        return out
    if isinstance(data, (list, tuple)):
        return [_walk(v, values) for v in data]
    if isinstance(data, str):
        return redact_text(data, values)
    return data
