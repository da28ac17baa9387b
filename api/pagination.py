"""Cursor paging (TRAPS.md: OFFSET 900 000 took 105 ms, keyset paging 0.06 ms; no COUNT per page).

Lists are ordered by (updated_at, id) where records change, so that a system synchronising
with `updated_since` walks forward through what changed and resumes from its last cursor."""

from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-id",)
    invalid_cursor_message = "分页游标无效，请从第一页重新获取。"


class ByUpdate(Cursor):
    ordering = ("updated_at", "id")


class Oldest(Cursor):
    ordering = ("id",)
