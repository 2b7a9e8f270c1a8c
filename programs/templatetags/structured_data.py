import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ..structured_data import json_ld as build_json_ld

register = template.Library()

# As json_script: nothing in the data can close the <script> element early.
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def json_ld(context, obj):
    """<script type="application/ld+json"> describing the object.

    A data block is never executed, so the CSP needs no nonce for it; leaving the nonce
    out keeps the page identical from one request to the next, so it can be cached.
    """
    request = context["request"]
    data = build_json_ld(obj, request.build_absolute_uri)
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_ESCAPES)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text),  # noqa: S308 (escaped above, as json_script does)
    )
