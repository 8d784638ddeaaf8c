from django import template

from slas.charts import duration as format_duration

register = template.Library()


@register.filter
def duration(seconds):
    return format_duration(seconds or 0)
