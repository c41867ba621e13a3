"""News desk (소식): articles with editorial approval, comments, readership, press import."""
