# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options of the high_performance_networking check (module option ``high_performance_networking``)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  high_performance_networking:
    description:
      - Settings of the V(high_performance_networking) check (DRA-managed NICs such as DRANET, or Multus
        networks).
    type: dict
    default: {}
    suboptions:
      nic_drivers:
        description: DRA drivers that publish network interfaces as devices.
        type: list
        elements: str
        default: [dra.net]
"""
