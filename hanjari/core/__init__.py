"""Shared primitives: base models, Korean text helpers, identifiers, audit log, mixins."""
