from django import template

register = template.Library()


@register.filter
def join_if_list(value):
    """A list field's items separated by semicolons; anything else as it is."""
    if isinstance(value, (list, tuple)):
        return "; ".join(str(item) for item in value)
    return value
