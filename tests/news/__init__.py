"""Tests for the news desk (소식)."""
