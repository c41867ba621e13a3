"""Pages that combine several apps: the home page, an organisation's profile, a council."""
