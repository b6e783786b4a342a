#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: nvidia_toolkit_info
short_description: Read the NVIDIA container toolkit configuration of a GPU node
version_added: 0.1.0
description:
  - Runs on a GPU node and reads the C(config.toml) that the NVIDIA container toolkit (installed by the
    NVIDIA GPU Operator) writes there, with a TOML parser.
  - Returns the parsed file and the two settings that decide whether an unprivileged container can reach
    GPUs it did not request through the C(NVIDIA_VISIBLE_DEVICES) environment variable
    (C(accept-nvidia-visible-devices-as-volume-mounts) and C(accept-nvidia-visible-devices-envvar-when-unprivileged)).
    Keys absent from the file get the toolkit's defaults (V(false) and V(true)) and RV(defaults_applied) says so.
  - A missing file is not an error; the result says RV(exists=false). A file that cannot be read, or that
    is not valid TOML, fails the task with a message naming the file and the line.
  - Pass the registered results to M(ai_conformance.rke2.conformance_check) as
    O(ai_conformance.rke2.conformance_check#module:secure_accelerator_access.toolkit_configs), keyed by
    Kubernetes node name, so that the node-side part of V(secure_accelerator_access) is verified.
  - Parses with Python's C(tomllib) (3.11+), else C(tomli) when installed, else a small built-in parser of
    the TOML subset configuration files use (dates and times are not supported there).
author:
  - rke2-ai-conformance maintainers (@ai-conformance)
extends_documentation_fragment:
  - ai_conformance.rke2.attributes
attributes:
  check_mode:
    support: full
    details: The module only reads; check mode returns the same result.
  diff_mode:
    support: none
options:
  path:
    description:
      - Path of the toolkit configuration file on the node.
      - The GPU Operator's toolkit writes it below its install directory (C(toolkit.installDir),
        default C(/usr/local/nvidia)); a toolkit installed from packages uses
        C(/etc/nvidia-container-runtime/config.toml).
    type: path
    default: /usr/local/nvidia/toolkit/.config/nvidia-container-runtime/config.toml
notes:
  - The file is usually readable by root only; run the task with C(become=true).
seealso:
  - module: ai_conformance.rke2.conformance_check
  - name: secure_accelerator_access
    description: What the check reads and how to fix a failure.
    link: https://github.com/ai-conformance/rke2-ai-conformance/tree/main/docs/requirements/secure_accelerator_access.md
"""

EXAMPLES = r"""
- name: Read the toolkit configuration on every GPU node
  hosts: gpu_nodes
  become: true
  tasks:
    - name: Read config.toml
      ai_conformance.rke2.nvidia_toolkit_info:
      register: toolkit

- name: Audit the cluster with the node-side facts
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Check secure accelerator access, keyed by node name (here the inventory names are the node names)
      ai_conformance.rke2.conformance_check:
        kubeconfig: /etc/rancher/rke2/rke2.yaml
        requirements: [secure_accelerator_access]
        secure_accelerator_access:
          toolkit_configs: "{{ dict(gpu_nodes | zip(gpu_nodes | map('extract', hostvars, 'toolkit'))) }}"
      vars:
        gpu_nodes: "{{ groups['gpu_nodes'] }}"
"""

RETURN = r"""
path:
  description: The file read.
  returned: always
  type: str
  sample: /usr/local/nvidia/toolkit/.config/nvidia-container-runtime/config.toml
exists:
  description: Whether the file exists.
  returned: always
  type: bool
hostname:
  description: The node's host name (usually its Kubernetes node name).
  returned: always
  type: str
parser:
  description: The TOML parser used, V(tomllib), V(tomli) or V(builtin).
  returned: always
  type: str
config:
  description: The whole parsed file; empty when the file does not exist.
  returned: always
  type: dict
accept_nvidia_visible_devices_as_volume_mounts:
  description: Effective value of C(accept-nvidia-visible-devices-as-volume-mounts) (V(true) is needed with the
    device plugin's V(volume-mounts) strategy).
  returned: when the file exists
  type: raw
  sample: true
accept_nvidia_visible_devices_envvar_when_unprivileged:
  description: Effective value of C(accept-nvidia-visible-devices-envvar-when-unprivileged) (V(false) keeps
    unprivileged containers from selecting GPUs by environment variable).
  returned: when the file exists
  type: raw
  sample: false
defaults_applied:
  description: Which of the two keys are absent from the file, so that the toolkit's default applies.
  returned: when the file exists
  type: list
  elements: str
  sample: []
runtime_mode:
  description: C(nvidia-container-runtime.mode) (V(auto), V(legacy), V(cdi)...), or null when not set.
  returned: when the file exists
  type: str
  sample: auto
msg:
  description: What was found.
  returned: always
  type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.ai_conformance.rke2.plugins.module_utils.module_runner import run_module
from ansible_collections.ai_conformance.rke2.plugins.module_utils.nvidia_toolkit import (
    DEFAULT_PATH,
    read_toolkit_config,
)


def _work(module):
    result = read_toolkit_config(module.params["path"])
    result["changed"] = False
    return result


def main():
    module = AnsibleModule(
        argument_spec=dict(path=dict(type="path", default=DEFAULT_PATH)),
        supports_check_mode=True,
    )
    run_module(module, _work)


if __name__ == "__main__":
    main()
