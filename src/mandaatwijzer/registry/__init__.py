"""The rights-and-mandates core: the domain, its rules and use cases, the reads, and the
ports that storage implements. Pure: no web, no database, no command line.

The entry points use its modules by name (`services` for changes, `views` and `queries` for
reads, `policy` and `rules` for who may do what); `__all__` lists the public ones.
"""

__all__ = [
    "access",
    "audit",
    "bulk",
    "consequences",
    "demo",
    "errors",
    "identifiers",
    "means",
    "model",
    "phrases",
    "policy",
    "ports",
    "queries",
    "requests",
    "rules",
    "scoped",
    "services",
    "sessions",
    "signin",
    "text",
    "tokens",
    "views",
]
