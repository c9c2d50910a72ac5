"""What a claim is: records, materials, rules data, storage and the audit log.

This package imports nothing from ``workflows`` or ``cli``.
"""
