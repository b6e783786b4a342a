"""The toolkit config reader behind nvidia_toolkit_info, and its built-in TOML parser checked against tomllib."""

import math
import os

import pytest
import tomllib

from ansible_collections.ai_conformance.rke2.plugins.module_utils import nvidia_toolkit as tk
from tests.unit.checks.gpu_world import TOOLKIT_CONFIG

VALID = {
    "toolkit": TOOLKIT_CONFIG,
    "toolkit-crlf": TOOLKIT_CONFIG.replace("\n", "\r\n"),
    "empty": "",
    "comments": "# only a comment\n\n   # indented\n",
    "no-final-newline": 'a = "x"',
    "bare-and-quoted-keys": "bare_key-1 = 1\n\"quoted key\" = 2\n'literal key' = 3\n1234 = 4\n",
    "dotted-keys": 'a.b.c = 1\na.b.d = 2\n"x.y".z = 3\nsite . "google.com" = true\n',
    "dotted-extends-implicit": "[fruit]\napple.color = 'red'\napple.taste.sweet = true\n",
    "strings": r'''s1 = "tab\tnewline\nquote\" backslash\\ uni\u00e9 big\U0001F600"
s2 = 'C:\Users\nodejs\templates'
s3 = """
first line
  second "quoted" line"""
s4 = """one \
     two \
  three"""
s6 = """five quotes: """""
'''
    + "s5 = '''\nraw \\n text'''\ns7 = '''literal'' ends with quotes'''\n",
    "numbers": (
        "i1 = +99\ni2 = 42\ni3 = 0\ni4 = -17\ni5 = 1_000\nh = 0xDEAD_beef\no = 0o755\nb = 0b1101\n"
        "f1 = +1.0\nf2 = 3.1415\nf3 = -0.01\nf4 = 5e+22\nf5 = 1e06\nf6 = -2E-2\nf7 = 6.626e-34\nf8 = 224_617.445_991\n"
        "f9 = inf\nf10 = -inf\nf11 = +inf\n"
    ),
    "booleans": "t = true\nf = false\n",
    "arrays": (
        'a = [ 1, 2, 3 ]\nb = [ "red", "yellow", ]\nc = [ [ 1, 2 ], ["a", "b"] ]\n'
        "d = [\n  1, # one\n  2,\n  # comment line\n]\ne = []\nf = [ { x = 1 }, { y = 2 } ]\n"
    ),
    "inline-tables": (
        'name = { first = "Tom", last = "Preston-Werner" }\npoint = { x = 1, y = 2 }\nnested = { a.b = 1 }\n'
    ),
    "tables": "[a]\nx = 1\n[a.b]\ny = 2\n[c.d.e]\nz = 3\n[c]\nw = 4\n",
    "whitespace-in-headers": "[ j . \"ʞ\" . 'l' ]\nk = 1\n",
    "array-of-tables": (
        '[[products]]\nname = "Hammer"\nsku = 738594937\n\n[[products]]\n\n[[products]]\nname = "Nail"\n'
        "[products.dims]\nlen = 2\n[[products.parts]]\nid = 1\n"
    ),
    "comment-after-values": 'a = 1 # one\nb = "x#y" # hash in string\n[t] # table comment\n',
    "empty-table": "[empty]\n[other]\nx = 1\n",
}

# (document, line the error is on)
INVALID = {
    "unterminated-string": ('a = 1\nb = "no end\n', 2),
    "missing-equals": ("a = 1\n\nkey value\n", 3),
    "duplicate-key": ("a = 1\nb = 2\na = 3\n", 3),
    "duplicate-table": ("[x]\na = 1\n[y]\n[x]\nb = 2\n", 4),
    "table-over-value": ("a = 1\n[a]\n", 2),
    "key-into-value": ("a = 1\na.b = 2\n", 2),
    "bad-value": ("a = 1\nb = yes\n", 2),
    "two-statements": ("a = 1 b = 2\n", 1),
    "bad-escape": ('a = "\\q"\n', 1),
    "leading-zero": ("a = 012\n", 1),
    "double-underscore": ("a = 1__0\n", 1),
    "unclosed-array": ("a = [1, 2\nb = 3\n", 2),
    "inline-table-multiline": ("a = { x = 1,\n y = 2 }\n", 1),
    "extend-inline-table": ("a = { x = 1 }\n[a.b]\n", 2),
    "header-unclosed": ("[table\nx = 1\n", 1),
    "static-array-as-aot": ("a = [1]\n[[a]]\n", 2),
    "dotted-then-header": ("[fruit]\napple.color = 'red'\n[fruit.apple]\n", 3),
    "control-char": ('a = "x\x01y"\n', 1),
    "lone-cr": ("a = 1\rb = 2\n", 1),
    "empty-value": ("a =\n", 1),
    "trailing-dot-key": ("a. = 1\n", 1),
}


@pytest.mark.parametrize("name", sorted(VALID))
def test_builtin_parser_agrees_with_tomllib(name):
    text = VALID[name]
    expected = tomllib.loads(text)
    assert tk.parse_toml_subset(text) == expected


def test_builtin_parser_handles_nan():
    assert math.isnan(tk.parse_toml_subset("x = nan\n")["x"])
    assert math.isnan(tk.parse_toml_subset("x = -nan\n")["x"])


@pytest.mark.parametrize("name", sorted(INVALID))
def test_builtin_parser_rejects_what_tomllib_rejects_with_the_line(name):
    text, line = INVALID[name]
    with pytest.raises(tomllib.TOMLDecodeError):
        tomllib.loads(text)
    with pytest.raises(tk.TomlError) as err:
        tk.parse_toml_subset(text)
    assert err.value.line == line, str(err.value)
    assert "(line %d)" % line in str(err.value)


def test_builtin_parser_says_dates_are_not_supported():
    with pytest.raises(tk.TomlError) as err:
        tk.parse_toml_subset("x = 1\nwhen = 1979-05-27T07:32:00Z\n")
    assert err.value.line == 2
    assert "dates and times are not supported by the built-in TOML parser" in str(err.value)


def test_parse_toml_reports_the_line_from_tomllib():
    with pytest.raises(tk.TomlError) as err:
        tk.parse_toml("a = 1\n[x]\nb = \n")
    assert err.value.line == 3


def test_parse_toml_falls_back_to_the_builtin_parser(monkeypatch):
    monkeypatch.setattr(tk, "_toml", None)
    assert tk.parse_toml(TOOLKIT_CONFIG) == tomllib.loads(TOOLKIT_CONFIG)
    with pytest.raises(tk.TomlError) as err:
        tk.parse_toml("a = 1\nb = [\n")
    assert err.value.line == 3


def write(tmp_path, text, name="config.toml"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_reads_the_seed_settings(tmp_path):
    facts = tk.read_toolkit_config(write(tmp_path, TOOLKIT_CONFIG))
    assert facts["exists"] is True
    assert facts["accept_nvidia_visible_devices_as_volume_mounts"] is True
    assert facts["accept_nvidia_visible_devices_envvar_when_unprivileged"] is False
    assert facts["defaults_applied"] == []
    assert facts["runtime_mode"] == "auto"
    assert facts["parser"] == "tomllib"
    assert facts["config"]["nvidia-container-runtime"]["modes"]["cdi"]["default-kind"] == "nvidia.com/gpu"


def test_absent_keys_get_the_toolkit_defaults(tmp_path):
    text = TOOLKIT_CONFIG.split("\n", 2)[2]  # drop both accept-* lines
    facts = tk.read_toolkit_config(write(tmp_path, text))
    assert facts["accept_nvidia_visible_devices_as_volume_mounts"] is False
    assert facts["accept_nvidia_visible_devices_envvar_when_unprivileged"] is True
    assert facts["defaults_applied"] == [tk.ACCEPT_VOLUME_MOUNTS, tk.ACCEPT_ENVVAR_UNPRIVILEGED]


def test_missing_file_is_a_fact_not_an_error(tmp_path):
    facts = tk.read_toolkit_config(str(tmp_path / "nope.toml"))
    assert facts["exists"] is False
    assert "does not exist" in facts["msg"]
    assert "accept_nvidia_visible_devices_as_volume_mounts" not in facts


def test_invalid_toml_names_file_and_line(tmp_path):
    path = write(tmp_path, TOOLKIT_CONFIG.replace('mode = "auto"', "mode = auto"))
    with pytest.raises(tk.ToolkitConfigError) as err:
        tk.read_toolkit_config(path)
    line = TOOLKIT_CONFIG.splitlines().index('  mode = "auto"') + 1
    assert str(err.value).startswith("%s is not valid TOML: " % path)
    assert "(line %d)" % line in str(err.value)
    assert err.value.line == line


def test_not_utf8(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes(b'a = 1\nb = "\xff"\n')
    with pytest.raises(tk.ToolkitConfigError) as err:
        tk.read_toolkit_config(str(path))
    assert "not UTF-8 text (line 2)" in str(err.value)


def test_directory_is_rejected(tmp_path):
    with pytest.raises(tk.ToolkitConfigError) as err:
        tk.read_toolkit_config(str(tmp_path))
    assert "is a directory" in str(err.value)


def test_unreadable_file_says_to_use_become(tmp_path, monkeypatch):
    path = write(tmp_path, TOOLKIT_CONFIG)

    def denied(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tk, "open", denied, raising=False)
    with pytest.raises(tk.ToolkitConfigError) as err:
        tk.read_toolkit_config(path)
    assert "cannot read %s: Permission denied" % path in str(err.value)
    assert "use become" in str(err.value)


def test_dangling_symlink_counts_as_present_and_unreadable(tmp_path):
    link = tmp_path / "config.toml"
    os.symlink(str(tmp_path / "gone.toml"), str(link))
    with pytest.raises(tk.ToolkitConfigError) as err:
        tk.read_toolkit_config(str(link))
    assert "cannot read" in str(err.value)
