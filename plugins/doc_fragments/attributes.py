# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Standard ``attributes:`` descriptions, so modules only state their support level."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
"""

    # the modules that talk to the Kubernetes API, see meta/runtime.yml
    ACTIONGROUP_CLUSTER = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/ai_conformance.rke2.cluster) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - ai_conformance.rke2.cluster
"""
