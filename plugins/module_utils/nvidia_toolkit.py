# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read the NVIDIA container toolkit's ``config.toml`` on a GPU node (module ``nvidia_toolkit_info``).

This code runs on the managed nodes, which may have any Python from 3.8 on. The TOML parser is:

1. ``tomllib`` (standard library from Python 3.11), else
2. ``tomli`` (the same parser, packaged for older Pythons) when it is installed, else
3. ``parse_toml_subset`` below: a small parser of the TOML 1.0 subset that configuration files
   like the toolkit's use (tables, arrays of tables, dotted and quoted keys, strings, booleans,
   integers, floats, arrays, inline tables; dates and times are rejected with a clear message).
   Installing a package on every GPU node just to read one file is worse than carrying this;
   its behaviour is checked against ``tomllib`` on the same documents by the unit tests.

Every error names the file and the line.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import socket

try:
    import tomllib as _toml

    TOML_PARSER = "tomllib"
except ImportError:  # Python < 3.11
    try:
        import tomli as _toml

        TOML_PARSER = "tomli"
    except ImportError:
        _toml = None
        TOML_PARSER = "builtin"

from ansible_collections.ai_conformance.rke2.plugins.module_utils.errors import ConformanceError

DEFAULT_PATH = "/usr/local/nvidia/toolkit/.config/nvidia-container-runtime/config.toml"
ACCEPT_VOLUME_MOUNTS = "accept-nvidia-visible-devices-as-volume-mounts"
ACCEPT_ENVVAR_UNPRIVILEGED = "accept-nvidia-visible-devices-envvar-when-unprivileged"
# What the toolkit assumes when a key is absent (nvidia-container-toolkit internal/config defaults).
TOOLKIT_DEFAULTS = {ACCEPT_VOLUME_MOUNTS: False, ACCEPT_ENVVAR_UNPRIVILEGED: True}
# config.toml key -> the result field holding its effective value
FACT_FIELDS = {
    ACCEPT_VOLUME_MOUNTS: "accept_nvidia_visible_devices_as_volume_mounts",
    ACCEPT_ENVVAR_UNPRIVILEGED: "accept_nvidia_visible_devices_envvar_when_unprivileged",
}


class TomlError(ConformanceError):
    """A TOML document that cannot be parsed; ``line`` is 1-based when known."""

    def __init__(self, message, line=None):
        self.reason = message
        self.line = line
        super(TomlError, self).__init__("%s (line %d)" % (message, line) if line else message)


class ToolkitConfigError(ConformanceError):
    """The toolkit file exists but cannot be read or parsed."""

    def __init__(self, message, line=None):
        super(ToolkitConfigError, self).__init__(message)
        self.line = line


_LINE_IN_MESSAGE = re.compile(r"\(at line (\d+), column (\d+)\)")


def parse_toml(text):
    """Parse ``text`` with the best parser available; raise ``TomlError`` with the line on bad input."""
    if _toml is None:
        return parse_toml_subset(text)
    try:
        return _toml.loads(text)
    except _toml.TOMLDecodeError as exc:
        message = str(exc)
        found = _LINE_IN_MESSAGE.search(message)
        line = getattr(exc, "lineno", None) or (int(found.group(1)) if found else None)
        raise TomlError(_LINE_IN_MESSAGE.sub("", message).strip() or "invalid TOML", line) from None


# -- the built-in subset parser --------------------------------------------------------------------
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_DEC_INT = re.compile(r"[+-]?(?:0|[1-9](?:_?[0-9])*)$")
_PREFIXED_INT = {
    "0x": (re.compile(r"0x[0-9A-Fa-f](?:_?[0-9A-Fa-f])*$"), 16),
    "0o": (re.compile(r"0o[0-7](?:_?[0-7])*$"), 8),
    "0b": (re.compile(r"0b[01](?:_?[01])*$"), 2),
}
_FLOAT = re.compile(
    r"[+-]?(?:0|[1-9](?:_?[0-9])*)(?:\.[0-9](?:_?[0-9])*(?:[eE][+-]?[0-9](?:_?[0-9])*)?|[eE][+-]?[0-9](?:_?[0-9])*)$"
)
_SPECIAL_FLOAT = {"inf": float("inf"), "+inf": float("inf"), "-inf": float("-inf")}
_NAN = ("nan", "+nan", "-nan")
_DATE_OR_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{2}:[0-9]{2}")
_VALUE_CHARS = re.compile(r"[0-9A-Za-z_+.:-]+")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


def _is_control(char, allow_newline=False):
    code = ord(char)
    if char == "\t" or (allow_newline and char == "\n"):
        return False
    return code < 0x20 or code == 0x7F


class _SubsetParser(object):
    def __init__(self, text):
        self.src = text
        self.pos = 0
        self.root = {}
        # ids of dicts/lists by how they were made, to apply TOML's redefinition rules
        self.explicit = set()  # tables opened by a [header]
        self.dotted = set()  # tables made by dotted keys
        self.frozen = set()  # inline tables and static arrays: never extended
        self.aot = set()  # arrays made by [[header]]
        self.keep = []  # keeps every tracked object alive so that ids stay unique

    # -- positions and errors
    def line(self, pos=None):
        return self.src.count("\n", 0, self.pos if pos is None else pos) + 1

    def fail(self, message, pos=None):
        raise TomlError(message, self.line(pos))

    def peek(self, count=1):
        return self.src[self.pos : self.pos + count]

    def eof(self):
        return self.pos >= len(self.src)

    def track(self, obj, kind):
        kind.add(id(obj))
        self.keep.append(obj)
        return obj

    # -- whitespace, comments and line ends
    def skip_ws(self):
        while self.peek() in (" ", "\t") and not self.eof():
            self.pos += 1

    def skip_comment(self):
        if self.peek() == "#":
            while not self.eof() and self.peek() != "\n":
                if self.peek() == "\r" and self.peek(2) == "\r\n":
                    break
                if _is_control(self.peek()):
                    self.fail("control character in a comment")
                self.pos += 1

    def newline(self):
        """Consume one line end; True when there was one."""
        if self.peek() == "\n":
            self.pos += 1
            return True
        if self.peek(2) == "\r\n":
            self.pos += 2
            return True
        return False

    def end_of_line(self, what):
        self.skip_ws()
        self.skip_comment()
        if not self.eof() and not self.newline():
            self.fail("expected the end of the line after %s, found %r" % (what, self.peek()))

    def skip_blank(self, allow_comments=True):
        """Skip whitespace, comments and newlines (inside arrays and between statements)."""
        while not self.eof():
            self.skip_ws()
            if allow_comments:
                self.skip_comment()
            if not self.newline():
                return

    # -- document
    def parse(self):
        current = self.root
        while True:
            self.skip_blank()
            if self.eof():
                return self.root
            if self.peek(2) == "[[":
                current = self.array_table_header()
            elif self.peek() == "[":
                current = self.table_header()
            else:
                self.key_value(current)
                self.end_of_line("a value")

    def table_header(self):
        start = self.pos
        self.pos += 1
        self.skip_ws()
        key = self.key()
        self.skip_ws()
        if self.peek() != "]":
            self.fail("expected ']' to close the table header")
        self.pos += 1
        table = self.walk(key[:-1], start)
        name = key[-1]
        if name in table:
            existing = table[name]
            if not isinstance(existing, dict) or id(existing) in self.explicit | self.dotted | self.frozen:
                self.fail("table [%s] is defined more than once" % ".".join(key), start)
            self.track(existing, self.explicit)
        else:
            table[name] = self.track({}, self.explicit)
        self.end_of_line("a table header")
        return table[name]

    def array_table_header(self):
        start = self.pos
        self.pos += 2
        self.skip_ws()
        key = self.key()
        self.skip_ws()
        if self.peek(2) != "]]":
            self.fail("expected ']]' to close the array-of-tables header")
        self.pos += 2
        table = self.walk(key[:-1], start)
        name = key[-1]
        if name not in table:
            table[name] = self.track([], self.aot)
        elif not isinstance(table[name], list) or id(table[name]) not in self.aot:
            self.fail("[[%s]] names a key that is not an array of tables" % ".".join(key), start)
        new = self.track({}, self.explicit)
        table[name].append(new)
        self.end_of_line("a table header")
        return new

    def walk(self, parts, start):
        """The table at ``parts`` below the root for a header, creating implicit tables."""
        table = self.root
        for part in parts:
            if part not in table:
                table[part] = {}
            node = table[part]
            if isinstance(node, list) and id(node) in self.aot:
                node = node[-1]
            if not isinstance(node, dict) or id(node) in self.frozen:
                self.fail("key %r is already a value, not a table" % part, start)
            table = node
        return table

    def key_value(self, table):
        start = self.pos
        key = self.key()
        self.skip_ws()
        if self.peek() != "=":
            self.fail("expected '=' after the key %s" % ".".join(key))
        self.pos += 1
        self.skip_ws()
        value = self.value()
        for part in key[:-1]:
            if part not in table:
                table[part] = self.track({}, self.dotted)
            node = table[part]
            if not isinstance(node, dict) or id(node) in self.frozen or id(node) in self.explicit:
                self.fail("key %s conflicts with an earlier definition" % ".".join(key), start)
            table = node
        if key[-1] in table:
            self.fail("key %s is defined more than once" % ".".join(key), start)
        table[key[-1]] = value

    # -- keys
    def key(self):
        parts = [self.simple_key()]
        while True:
            self.skip_ws()
            if self.peek() != ".":
                return parts
            self.pos += 1
            self.skip_ws()
            parts.append(self.simple_key())

    def simple_key(self):
        char = self.peek()
        if char == '"':
            if self.peek(3) == '"""':
                self.fail("a multi-line string cannot be a key")
            return self.basic_string()
        if char == "'":
            if self.peek(3) == "'''":
                self.fail("a multi-line string cannot be a key")
            return self.literal_string()
        found = _BARE_KEY.match(self.src, self.pos)
        if not found:
            self.fail("expected a key, found %r" % (char or "end of file"))
        self.pos = found.end()
        return found.group(0)

    # -- values
    def value(self):
        char = self.peek()
        if char == '"':
            return self.ml_basic_string() if self.peek(3) == '"""' else self.basic_string()
        if char == "'":
            return self.ml_literal_string() if self.peek(3) == "'''" else self.literal_string()
        if char == "[":
            return self.array()
        if char == "{":
            return self.inline_table()
        found = _VALUE_CHARS.match(self.src, self.pos)
        if not found:
            self.fail("expected a value, found %r" % (char or "end of file"))
        word = found.group(0)
        if word in ("true", "false"):
            self.pos = found.end()
            return word == "true"
        if _DATE_OR_TIME.match(word):
            self.fail(
                "dates and times are not supported by the built-in TOML parser; use Python 3.11+ or install tomli"
            )
        self.pos = found.end()
        return self.number(word)

    def number(self, word):
        if word in _SPECIAL_FLOAT:
            return _SPECIAL_FLOAT[word]
        if word in _NAN:
            return float("nan")
        prefixed = _PREFIXED_INT.get(word[:2])
        if prefixed:
            pattern, base = prefixed
            if pattern.match(word):
                return int(word[2:].replace("_", ""), base)
        elif _DEC_INT.match(word):
            return int(word.replace("_", ""))
        elif _FLOAT.match(word):
            return float(word.replace("_", ""))
        self.fail("invalid value %r" % word)
        return None

    def array(self):
        self.pos += 1
        items = []
        while True:
            self.skip_blank()
            if self.peek() == "]":
                self.pos += 1
                return self.track(items, self.frozen)
            items.append(self.value())
            self.skip_blank()
            if self.peek() == ",":
                self.pos += 1
            elif self.peek() != "]":
                self.fail("expected ',' or ']' in an array")

    def inline_table(self):
        self.pos += 1
        table = {}
        self.skip_ws()
        if self.peek() == "}":
            self.pos += 1
            return self.track(table, self.frozen)
        while True:
            self.skip_ws()
            self.key_value(table)
            self.skip_ws()
            if self.peek() == ",":
                self.pos += 1
            elif self.peek() == "}":
                self.pos += 1
                self.freeze(table)
                return table
            else:
                self.fail("expected ',' or '}' in an inline table (inline tables are one line)")

    def freeze(self, table):
        self.track(table, self.frozen)
        for value in table.values():
            if isinstance(value, dict):
                self.freeze(value)

    # -- strings
    def basic_string(self):
        self.pos += 1
        out = []
        while True:
            if self.eof():
                self.fail("unterminated string")
            char = self.peek()
            if char == '"':
                self.pos += 1
                return "".join(out)
            if char == "\\":
                out.append(self.escape())
                continue
            if char == "\n" or _is_control(char):
                self.fail("unterminated string or control character in a string")
            out.append(char)
            self.pos += 1

    def literal_string(self):
        self.pos += 1
        end = self.src.find("'", self.pos)
        newline = self.src.find("\n", self.pos)
        if end == -1 or (newline != -1 and newline < end):
            self.fail("unterminated literal string")
        text = self.src[self.pos : end]
        if any(_is_control(c) for c in text):
            self.fail("control character in a literal string")
        self.pos = end + 1
        return text

    def ml_basic_string(self):
        self.pos += 3
        self.newline()
        out = []
        while True:
            if self.eof():
                self.fail("unterminated multi-line string")
            if self.peek(3) == '"""':
                # up to two quotes may end the content: """"" is a quote plus the delimiter
                extra = 0
                while extra < 2 and self.src[self.pos + 3 + extra : self.pos + 4 + extra] == '"':
                    extra += 1
                out.append('"' * extra)
                self.pos += 3 + extra
                return "".join(out)
            char = self.peek()
            if char == "\\":
                after = self.pos + 1
                while self.src[after : after + 1] in (" ", "\t") and after < len(self.src):
                    after += 1
                if self.src.startswith("\n", after) or self.src.startswith("\r\n", after):
                    # line-ending backslash: drop it and all whitespace up to the next content
                    self.pos = after
                    while not self.eof():
                        if self.peek() in (" ", "\t"):
                            self.pos += 1
                        elif not self.newline():
                            break
                    continue
                out.append(self.escape())
                continue
            if self.peek(2) == "\r\n":
                out.append("\n")
                self.pos += 2
                continue
            if _is_control(char, allow_newline=True):
                self.fail("control character in a string")
            out.append(char)
            self.pos += 1

    def ml_literal_string(self):
        self.pos += 3
        self.newline()
        end = self.src.find("'''", self.pos)
        if end == -1:
            self.fail("unterminated multi-line literal string")
        extra = 0
        while extra < 2 and self.src[end + 3 + extra : end + 4 + extra] == "'":
            extra += 1
        text = self.src[self.pos : end + extra].replace("\r\n", "\n")
        if any(_is_control(c, allow_newline=True) for c in text):
            self.fail("control character in a string")
        self.pos = end + 3 + extra
        return text

    def escape(self):
        code = self.src[self.pos + 1 : self.pos + 2]
        if code in _ESCAPES:
            self.pos += 2
            return _ESCAPES[code]
        if code in ("u", "U"):
            width = 4 if code == "u" else 8
            digits = self.src[self.pos + 2 : self.pos + 2 + width]
            if len(digits) != width or not all(c in "0123456789abcdefABCDEF" for c in digits):
                self.fail("invalid unicode escape \\%s%s" % (code, digits))
            value = int(digits, 16)
            if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
                self.fail("escape \\%s%s is not a unicode scalar value" % (code, digits))
            self.pos += 2 + width
            return chr(value)
        self.fail("invalid escape sequence \\%s" % code)
        return None


def parse_toml_subset(text):
    """Parse ``text`` with the built-in subset parser; raise ``TomlError`` with the line on bad input."""
    if "\r" in text.replace("\r\n", ""):
        index = text.replace("\r\n", "  ").index("\r")
        raise TomlError("a carriage return must be followed by a newline", text.count("\n", 0, index) + 1)
    return _SubsetParser(text).parse()


# -- the toolkit file ---------------------------------------------------------------------------------
def toolkit_facts(config):
    """The settings that isolate GPUs, from a parsed toolkit config (absent keys get the toolkit's default)."""
    runtime = config.get("nvidia-container-runtime")
    facts = {FACT_FIELDS[key]: config.get(key, default) for key, default in TOOLKIT_DEFAULTS.items()}
    facts["defaults_applied"] = sorted(k for k in TOOLKIT_DEFAULTS if k not in config)
    facts["runtime_mode"] = runtime.get("mode") if isinstance(runtime, dict) else None
    return facts


def read_toolkit_config(path=DEFAULT_PATH):
    """Everything ``nvidia_toolkit_info`` returns about the file at ``path``.

    A missing file is a fact (``exists: false``), not an error: on a node without the toolkit the
    answer is "not there". A file that cannot be read or parsed raises ``ToolkitConfigError``.
    """
    base = {"path": path, "hostname": socket.gethostname(), "parser": TOML_PARSER}
    if not os.path.lexists(path):
        base.update(
            exists=False,
            config={},
            msg="%s does not exist: the NVIDIA container toolkit has not written its config on this node" % path,
        )
        return base
    if os.path.isdir(path):
        raise ToolkitConfigError("path: %s is a directory, expected the toolkit's config.toml file" % path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise ToolkitConfigError(
            "cannot read %s: %s (the file is usually readable by root only: use become)" % (path, exc.strerror or exc)
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ToolkitConfigError("%s is not valid TOML: not UTF-8 text (line %d)" % (path, line), line) from None
    try:
        config = parse_toml(text)
    except TomlError as exc:
        raise ToolkitConfigError("%s is not valid TOML: %s" % (path, exc), exc.line) from None
    base.update(exists=True, config=config, msg="read %s" % path)
    base.update(toolkit_facts(config))
    return base
