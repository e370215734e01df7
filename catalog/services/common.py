"""What the catalog's write services share: a field list completed with defaults, and an update
made on the locked row."""


def with_defaults(fields: dict, *, allowed, defaults: dict, what: str) -> dict:
    """Every field: the given ones (each one of `allowed`), the defaults for the rest."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown {what} fields: {sorted(unknown)}")
    return {**defaults, **fields}


def on_locked_row(instance, apply, fields: dict):
    """Lock the instance's row, `apply(locked, **fields)` to it, and copy the result back."""
    model = type(instance)
    locked = model.objects.select_for_update().get(pk=instance.pk)
    apply(locked, **fields)
    for field in model._meta.concrete_fields:
        setattr(instance, field.attname, getattr(locked, field.attname))
    return instance
