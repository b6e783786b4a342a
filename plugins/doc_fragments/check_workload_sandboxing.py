# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options of the workload_sandboxing check (module option ``workload_sandboxing``)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  workload_sandboxing:
    description:
      - Settings of the V(workload_sandboxing) check (a RuntimeClass with a gVisor or Kata Containers handler).
    type: dict
    default: {}
    suboptions:
      handlers:
        description: Shell-style patterns of RuntimeClass handlers that run pods in a sandbox.
        type: list
        elements: str
        default: ["runsc*", "gvisor*", "kata*"]
"""
