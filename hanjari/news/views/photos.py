"""Article photo files (기사 사진), served after a permission check.

Photos live in the media folder `models.PHOTO_FOLDER`, which the public media URL does
not serve (config/urls.py): a photo of a draft must not be seen by anyone who learns
its address. A photo of an article that readers may see now is public and may be kept
by shared caches for a while; any other photo is served only to those who may see the
article on the desk (its author and editors) and is marked private, never stored.
"""

from __future__ import annotations

import mimetypes

from django.http import FileResponse, Http404, HttpRequest
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views import View

from .. import permissions
from ..models import Article, ArticlePhoto

PUBLIC_MAX_AGE = 600  # seconds a shared cache may keep a published article's photo


class ArticlePhotoView(View):
    """GET one article photo's file. 404 for a missing photo or file, and for a photo
    of an article the visitor may not see (not revealing that it exists)."""

    def get(self, request: HttpRequest, pk: int) -> FileResponse:
        photo = ArticlePhoto.objects.select_related("article").filter(pk=pk).first()
        if photo is None or not photo.image:
            raise Http404(_("사진을 찾을 수 없습니다."))
        article = photo.article
        public = Article.objects.published().filter(pk=article.pk).exists()
        if not public and not permissions.can_view_unpublished(request.user, article):
            raise Http404(_("사진을 찾을 수 없습니다."))
        try:
            handle = photo.image.open("rb")
        except OSError as exc:
            raise Http404(_("사진을 찾을 수 없습니다.")) from exc
        content_type = mimetypes.guess_type(photo.image.name)[0] or "application/octet-stream"
        response = FileResponse(handle, content_type=content_type)
        response["X-Content-Type-Options"] = "nosniff"
        if public:
            patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        else:
            patch_cache_control(response, private=True, no_store=True, max_age=0)
            patch_vary_headers(response, ("Cookie",))
        return response
