"""{% saved_views_bar query %}: the user's saved inbox views (常用筛选) and a link saving the current
filter — for the inbox page, which loads this library (no Python import of notifications there)."""

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from notifications.models import SavedView

register = template.Library()


@register.inclusion_tag("notifications/_saved_views_bar.html", takes_context=True)
def saved_views_bar(context, query=""):
    user = context["request"].user
    inbox = reverse("approvals:inbox")
    views = [(v.name, f"{inbox}?{v.query}", v.query == query)
             for v in SavedView.objects.filter(user=user).only("name", "query")[:20]]
    save = f"{reverse('notifications:views')}?{urlencode({'query': query})}" if query else ""
    return {"views": views, "save_url": save}
