from django.urls import path

from hanjari.core.pagecache import cache_anonymous_page

from .views import desk, photos, reader

app_name = "news"

urlpatterns = [
    # readers
    path("news/", cache_anonymous_page(reader.ArticleListView.as_view()), name="list"),
    path(
        "news/section/<str:slug>/",
        cache_anonymous_page(reader.ArticleListView.as_view()),
        name="section",
    ),
    path("news/photos/", cache_anonymous_page(reader.PhotoNewsView.as_view()), name="photos"),
    path(
        "news/most-viewed/",
        cache_anonymous_page(reader.MostViewedView.as_view()),
        name="most-viewed",
    ),
    path("news/feed/rss/", cache_anonymous_page(reader.LatestRssFeed()), name="feed-rss"),
    path("news/feed/atom/", cache_anonymous_page(reader.LatestAtomFeed()), name="feed-atom"),
    path("news/<int:pk>/", reader.ArticleView.as_view(), name="article"),
    # photo files: public once the article is, else only for those who see the draft
    path("news/photo/<int:pk>/", photos.ArticlePhotoView.as_view(), name="photo"),
    path("news/<int:pk>/comments/", reader.CommentCreateView.as_view(), name="comment-create"),
    path("news/comments/<int:pk>/edit/", reader.CommentEditView.as_view(), name="comment-edit"),
    path(
        "news/comments/<int:pk>/report/", reader.CommentReportView.as_view(), name="comment-report"
    ),
    path(
        "news/comments/<int:pk>/moderate/",
        reader.CommentModerateView.as_view(),
        name="comment-moderate",
    ),
    path("news/desk/comments/", reader.ModerationQueueView.as_view(), name="moderation"),
    # the desk (writers and editors)
    path("news/desk/", desk.DeskView.as_view(), name="desk"),
    path("news/desk/new/", desk.ArticleCreateView.as_view(), name="article-new"),
    path("news/desk/import/", desk.ArticleImportView.as_view(), name="import"),
    path("news/desk/<int:pk>/", desk.ArticlePreviewView.as_view(), name="article-preview"),
    path("news/desk/<int:pk>/edit/", desk.ArticleEditView.as_view(), name="article-edit"),
    path("news/desk/<int:pk>/photos/", desk.PhotoAddView.as_view(), name="photo-add"),
    path(
        "news/desk/<int:pk>/<str:action>/",
        desk.ArticleTransitionView.as_view(),
        name="article-transition",
    ),
]
